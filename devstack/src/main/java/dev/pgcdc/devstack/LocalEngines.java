package dev.pgcdc.devstack;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link Engines} as local processes: a {@link PostgresServer}, a {@link KafkaServer} and an
 * {@link ElasticsearchServer} with default options, each started on first access. The accessors return
 * the concrete server types, so a test may stop and restart them; such a test must leave the engine
 * running (e.g. restart it in a {@code finally}), since other test classes share it.
 */
public final class LocalEngines implements Engines {

    private final Lazy<PostgresServer> postgres = new Lazy<>("PostgreSQL", () -> PostgresServer.builder().start());
    private final Lazy<KafkaServer> kafka = new Lazy<>("Kafka", () -> KafkaServer.builder().start());
    private final Lazy<ElasticsearchServer> elasticsearch =
            new Lazy<>("Elasticsearch", () -> ElasticsearchServer.builder().start());

    @Override
    public Kind kind() {
        return Kind.LOCAL;
    }

    @Override
    public PostgresServer postgres() {
        return postgres.get();
    }

    @Override
    public KafkaServer kafka() {
        return kafka.get();
    }

    @Override
    public ElasticsearchServer elasticsearch() {
        return elasticsearch.get();
    }

    /**
     * Starts all three concurrently, which is faster than one after the other. After all attempts have
     * finished, rethrows the first failure (usually an {@link EngineStartException}).
     */
    public void startAll() {
        List<Callable<Object>> starts = List.of(elasticsearch::get, kafka::get, postgres::get);
        ExecutorService pool = Executors.newFixedThreadPool(starts.size());
        RuntimeException failure = null;
        try {
            for (Future<Object> start : pool.invokeAll(starts)) {
                try {
                    start.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the engines", e);
        } finally {
            pool.shutdownNow();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        IllegalStateException failure = null;
        for (Lazy<?> engine : List.of(elasticsearch, kafka, postgres)) {
            try {
                engine.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the local engines failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
