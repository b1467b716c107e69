package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.devstack.KafkaServer;
import dev.pgcdc.devstack.PostgresServer;
import dev.pgcdc.replicator.Replicator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One test's world: a fresh database, slot, publication, topic and position directory, a config
 * file for them, a replicator run in this JVM (or the shaded jar as a child process), and a reader
 * of the topic. Closing it stops the replicator and drops the slot.
 */
final class Scenario implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    final PostgresServer postgres;
    final KafkaServer kafka = TestStack.kafka();
    final String database;
    final String slot;
    final String publication;
    final String topic;
    final Path directory;
    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private Replicator replicator;
    private Future<Integer> running;
    private String tables = "[public.items]";
    private String extra = "";
    private String postgresExtra = "";
    private String host;
    private String user;
    private String password;

    Scenario(String name) throws SQLException, IOException {
        this(name, TestStack.postgres());
    }

    /** A scenario on a server of the test's own, e.g. one serving TLS. */
    Scenario(String name, PostgresServer postgres) throws SQLException, IOException {
        this.postgres = postgres;
        host = postgres.host();
        user = postgres.superuser();
        password = postgres.password();
        int n = COUNTER.incrementAndGet();
        String id = name + "_" + ProcessHandle.current().pid() + "_" + n;
        database = postgres.createFreshDatabase(name);
        slot = ("slot_" + id).toLowerCase();
        publication = "pub_" + id;
        topic = "cdc-" + id.replace('_', '-');
        directory = Files.createTempDirectory("replicator-it-");
    }

    Scenario tables(String yamlList) {
        this.tables = yamlList;
        return this;
    }

    /** Extra YAML lines for the replicator section, e.g. {@code "  max_in_flight_events: 100\n"}. */
    Scenario replicatorSettings(String lines) {
        this.extra = lines;
        return this;
    }

    /** The host name the replicator connects to instead of the server's address, e.g. {@code localhost}. */
    Scenario host(String host) {
        this.host = host;
        return this;
    }

    /** The role the replicator logs in as, instead of the superuser. */
    Scenario login(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** Extra YAML lines for the postgres section, e.g. {@code "  snapshot_mode: never\n"}. */
    Scenario postgresSettings(String lines) {
        this.postgresExtra = lines;
        return this;
    }

    /** Port of /health and /metrics when the replicator runs as a process; 0 serves none. */
    int metricsPort;

    String yaml() {
        return "postgres:\n"
                + "  host: " + host + "\n"
                + "  port: " + postgres.port() + "\n"
                + "  user: " + user + "\n"
                + "  password: " + password + "\n"
                + "  dbname: " + database + "\n"
                + "  slot_name: " + slot + "\n"
                + "  publication_name: " + publication + "\n"
                + "  tables: " + tables + "\n"
                + postgresExtra
                + "kafka:\n"
                + "  brokers: [" + kafka.bootstrapServers() + "]\n"
                + "  topic: " + topic + "\n"
                + "  topic_partitions: 3\n"
                + "replicator:\n"
                + "  position_path: " + directory.resolve("position") + "\n"
                + "  status_interval: 1s\n"
                + "  heartbeat_interval: 1s\n"
                + "  reconnect_initial_backoff: 200ms\n"
                + "  reconnect_max_backoff: 2s\n"
                + extra
                + "logging:\n"
                + "  sqlite_enabled: false\n"
                // Tests run side by side: no fixed ports (ReplicatorMetricsIT picks a free one).
                + "metrics:\n"
                + "  host: 127.0.0.1\n"
                + "  replicator_port: " + metricsPort + "\n"
                + "  sink_port: 0\n";
    }

    PgcdcConfig config() {
        return ConfigLoader.parse(yaml(), "test", Daemon.REPLICATOR, System::getenv);
    }

    Path writeConfig() {
        Path file = directory.resolve("config.yaml");
        try {
            Files.writeString(file, yaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    void sql(String... statements) throws SQLException {
        postgres.execute(database, statements);
    }

    Connection connect() throws SQLException {
        return postgres.connect(database);
    }

    /** Starts a replicator in this JVM. */
    void start() {
        replicator = new Replicator(config(), "test", Clock.systemUTC());
        running = runner.submit(replicator::run);
    }

    /** The replicator started by {@link #start}, or null. */
    Replicator replicator() {
        return replicator;
    }

    /** Requests a stop and returns the exit code. */
    int stop() throws Exception {
        replicator.requestStop();
        int code = running.get(20, TimeUnit.SECONDS);
        replicator = null;
        return code;
    }

    /** The exit code once the replicator ended on its own (e.g. a fatal error). */
    int awaitExit(Duration timeout) throws Exception {
        return running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isRunning() {
        return running != null && !running.isDone();
    }

    /** Waits until the replicator streams (so a snapshot before it has been sent whole). */
    void awaitStreaming() throws Exception {
        awaitStreaming(0);
    }

    /**
     * Waits until a walsender other than {@code previousPid} holds the slot and streams from it
     * ({@code START_REPLICATION} ran), i.e. a new replicator streams; returns its pid. The slot alone
     * is not enough: the walsender that creates it holds it too, before the snapshot even started.
     */
    int awaitStreaming(int previousPid) throws Exception {
        return awaitStreaming(previousPid, Duration.ofSeconds(60));
    }

    int awaitStreaming(int previousPid, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (running != null && running.isDone()) {
                throw new AssertionError("replicator ended with " + running.get() + " before streaming");
            }
            try (Connection connection = connect(); Statement statement = connection.createStatement();
                    var rs = statement.executeQuery("SELECT s.active_pid FROM pg_replication_slots s"
                            + " JOIN pg_stat_replication r ON r.pid = s.active_pid"
                            + " WHERE s.slot_name = '" + slot + "' AND r.state IN ('catchup', 'streaming')")) {
                if (rs.next()) {
                    int pid = rs.getInt(1);
                    if (!rs.wasNull() && pid != previousPid) {
                        return pid;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("replicator did not start streaming within " + timeout.toSeconds() + " s");
    }

    /**
     * Reads the topic from the beginning: every record up to the end offsets seen when reading
     * starts, and on until at least {@code count} arrived (or the timeout). Snapshot markers are left
     * out (see {@link #markers}): every snapshot, even of an empty table, sends them.
     */
    List<ConsumerRecord<byte[], byte[]>> records(int count, Duration timeout) {
        return read(count, timeout, op -> !isSnapshotMarker(op));
    }

    /** The snapshot markers ({@code snapshot_started}, {@code snapshot_completed}) of the topic, in no order. */
    List<ConsumerRecord<byte[], byte[]>> markers(int count, Duration timeout) {
        return read(count, timeout, Scenario::isSnapshotMarker);
    }

    private static boolean isSnapshotMarker(Op op) {
        return op == Op.SNAPSHOT_STARTED || op == Op.SNAPSHOT_COMPLETED;
    }

    /** Like {@link #records(int, Duration)}, keeping the records whose event's op is {@code wanted}. */
    List<ConsumerRecord<byte[], byte[]>> read(int count, Duration timeout, Predicate<Op> wanted) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(ChangeEventCodec.decode(record.value()).op())) {
                        records.add(record);
                    }
                }
                boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                if (atEnd && records.size() >= count) {
                    break;
                }
            }
        }
        return records;
    }

    /** Every event of the topic, ordered by (commit_lsn, sequence): the order PostgreSQL committed them. */
    List<ChangeEvent> events(int count, Duration timeout) {
        List<ChangeEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(count, timeout)) {
            events.add(ChangeEventCodec.decode(record.value()));
        }
        events.sort((a, b) -> {
            int byCommit = Long.compareUnsigned(a.source().commitLsn(), b.source().commitLsn());
            return byCommit != 0 ? byCommit : Long.compare(a.source().sequence(), b.source().sequence());
        });
        assertThat(events).as("events in topic " + topic).hasSizeGreaterThanOrEqualTo(count);
        return events;
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
    }

    static String json(JsonNode node) {
        return node == null ? null : node.toString();
    }

    @Override
    public void close() throws Exception {
        if (replicator != null) {
            replicator.requestStop();
            running.get(20, TimeUnit.SECONDS);
        }
        runner.shutdownNow();
        try {
            postgres.execute(database, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = '" + slot + "' AND NOT active");
        } catch (SQLException ignored) {
            // the server may be down after a failed restart test
        }
    }
}
