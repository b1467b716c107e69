package dev.pgcdc.bench.run;

import dev.pgcdc.devstack.ElasticsearchServer;
import dev.pgcdc.devstack.KafkaServer;
import dev.pgcdc.devstack.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The engines a benchmark run measures against: PostgreSQL 15 (logical WAL; fsync off, as the devstack
 * always has it; WAL sized so that a backlog causes no checkpoint storm), one Kafka broker and one
 * Elasticsearch node, all on loopback, started together and stopped by {@link #close}.
 */
public final class Stack implements AutoCloseable {

    private final PostgresServer postgres;
    private final KafkaServer kafka;
    private final ElasticsearchServer elasticsearch;

    private Stack(PostgresServer postgres, KafkaServer kafka, ElasticsearchServer elasticsearch) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    public static Stack start() {
        CompletableFuture<PostgresServer> pg = CompletableFuture.supplyAsync(() -> PostgresServer.builder()
                .setting("max_replication_slots", "60")
                .setting("max_wal_senders", "60")
                .setting("max_wal_size", "8GB")
                .setting("checkpoint_timeout", "30min")
                .setting("shared_buffers", "256MB")
                .setting("max_connections", "200")
                .start());
        CompletableFuture<KafkaServer> kafka = CompletableFuture.supplyAsync(() -> KafkaServer.builder()
                .jvmOption("-Xmx1g")
                .start());
        CompletableFuture<ElasticsearchServer> es = CompletableFuture.supplyAsync(() -> ElasticsearchServer.builder()
                .heap("1g")
                .startTimeout(java.time.Duration.ofSeconds(240))
                .start());
        try {
            return new Stack(pg.get(), kafka.get(), es.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the engines", e);
        } catch (ExecutionException e) {
            for (CompletableFuture<? extends AutoCloseable> f : List.of(pg, kafka, es)) {
                f.thenAccept(engine -> {
                    try {
                        engine.close();
                    } catch (Exception ignored) {
                        // best effort
                    }
                });
            }
            throw new IllegalStateException("starting the engines failed: " + e.getCause(), e.getCause());
        }
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaServer kafka() {
        return kafka;
    }

    public ElasticsearchServer elasticsearch() {
        return elasticsearch;
    }

    /** PostgreSQL's full version string, e.g. {@code 15.18 (Debian 15.18-0+deb12u1)}. */
    public String postgresVersion() throws SQLException {
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Pids of the Elasticsearch launcher and node JVM. */
    public List<Long> elasticsearchPids() {
        List<Long> pids = new ArrayList<>();
        elasticsearch.processTree().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    @Override
    public void close() {
        for (AutoCloseable engine : List.of(elasticsearch, kafka, postgres)) {
            try {
                engine.close();
            } catch (Exception e) {
                System.err.println("bench: stopping an engine failed: " + e);
            }
        }
    }
}
