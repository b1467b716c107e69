package dev.pgcdc.e2e.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.Verifier;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.e2e.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One test's pipeline: a fresh database with the workload's tables, a fresh topic (3 partitions) and
 * dead-letter topic, a unique slot, publication and index prefix, and the YAML that configures both
 * daemons for them. Sections can be extended ({@link #extraKafka} etc.) before {@link #writeConfig()}.
 */
final class Pipeline {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final PostgresEndpoint postgres;
    final KafkaEndpoint kafka;
    final ElasticsearchEndpoint elasticsearch;
    final Path dir;
    final String database;
    final String topic;
    final String deadLetterTopic;
    final String prefix;
    final List<String> tables = new ArrayList<>(Workload.TABLES);
    String extraPostgres = "";
    String extraKafka = "";
    String extraReplicator = "";
    String extraSink = "";
    String extraElasticsearch = "";
    Path config;

    Pipeline(PostgresEndpoint postgres, KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch, Path dir, String name)
            throws Exception {
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.dir = dir;
        this.database = postgres.createFreshDatabase(name);
        try (Connection c = postgres.connect(database)) {
            Workload.createTables(c);
        }
        this.topic = kafka.createFreshTopic(name, 3);
        this.deadLetterTopic = kafka.createFreshTopic(name + "_dlq", 1);
        this.prefix = "e2e" + PREFIXES.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 1_000_000, 36) + "_";
    }

    String slot() {
        return "slot_" + database.toLowerCase();
    }

    String yaml() {
        String auth = elasticsearch.credentials().map(c -> "  username: " + c.username() + "\n  password: "
                + c.password() + "\n").orElse("");
        return "postgres:\n"
                + "  host: " + postgres.host() + "\n"
                + "  port: " + postgres.port() + "\n"
                + "  user: " + postgres.superuser() + "\n"
                + "  password: " + postgres.password() + "\n"
                + "  dbname: " + database + "\n"
                + "  slot_name: " + slot() + "\n"
                + "  publication_name: pub_" + database.toLowerCase() + "\n"
                + "  tables: [" + String.join(", ", tables) + "]\n"
                + extraPostgres
                + "kafka:\n"
                + "  brokers: [" + kafka.bootstrapServers() + "]\n"
                + "  topic: " + topic + "\n"
                + "  topic_partitions: 3\n"
                + "  groupID: group_" + prefix + "\n"
                + "  dead_letter_topic: " + deadLetterTopic + "\n"
                + extraKafka
                + "elasticsearch:\n"
                + "  addresses: [" + elasticsearch.url() + "]\n"
                + auth
                + "  indexPrefix: " + prefix + "\n"
                + extraElasticsearch
                + "replicator:\n"
                + "  position_path: " + dir.resolve("position") + "\n"
                + "  status_interval: 2s\n"
                + "  heartbeat_interval: 2s\n"
                + extraReplicator
                + "sink:\n"
                + "  flush_interval: 100ms\n"
                + "  retry_max_backoff: 2s\n"
                + extraSink
                + "logging:\n"
                + "  sqlite_enabled: false\n";
    }

    Path writeConfig() throws Exception {
        config = dir.resolve("config.yaml");
        Files.writeString(config, yaml());
        return config;
    }

    PgcdcConfig parsed() {
        return ConfigLoader.parse(yaml(), "test", Daemon.ANY, System::getenv);
    }

    DaemonProcess startReplicator() throws Exception {
        return DaemonProcess.start(DaemonProcess.Kind.REPLICATOR, config, dir.resolve("replicator.log"));
    }

    DaemonProcess startSink() throws Exception {
        return DaemonProcess.start(DaemonProcess.Kind.SINK, config, dir.resolve("sink.log"));
    }

    Workload workload(long seed, int connections, Duration duration) {
        return new Workload(postgres.jdbcUrl(database), postgres.superuser(), postgres.password(),
                Workload.Options.of(seed, connections, duration));
    }

    /**
     * Waits until a walsender serves the slot, i.e. the replicator has finished its initial snapshot
     * and streams; on a loaded machine a JVM start and snapshot take seconds, and a fault injected
     * before this would hit the snapshot instead of the stream.
     */
    void awaitStreaming(DaemonProcess replicator, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streaming()) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the replicator does not stream after " + timeout + "; log " + replicator.log);
    }

    /** Runs the workload on its own thread. */
    static java.util.concurrent.CompletableFuture<dev.pgcdc.e2e.workload.WorkloadStats> runAsync(Workload workload) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return workload.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** Verifies until clean (at most {@code timeout}), adds the report row, and returns the reports. */
    List<VerifyReport> finish(String fault, int trials, Duration timeout) throws Exception {
        List<VerifyReport> reports = awaitConsistent(timeout);
        TopicScan scan = scanTopic();
        FaultReport.add(fault, trials, scan.distinct(), documentsVerified(reports), differences(reports), scan.duplicates());
        System.out.println(fault + ": Kafka " + scan + "\n" + summaries(reports));
        return reports;
    }

    List<VerifyReport> verify() throws Exception {
        List<VerifyReport> reports = new ArrayList<>();
        try (Verifier verifier = new Verifier(parsed(), 10)) {
            for (String table : tables) {
                // A table may be written YAML-quoted ('"Schema"."Table"') for the config; strip that.
                String name = table.startsWith("'") && table.endsWith("'") ? table.substring(1, table.length() - 1) : table;
                reports.add(verifier.verify(TableId.parse(name)));
            }
        }
        return reports;
    }

    /** Verifies until every table equals its index or the timeout passes; the last reports. */
    List<VerifyReport> awaitConsistent(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<VerifyReport> reports = verify();
            if (reports.stream().allMatch(VerifyReport::isClean) || System.nanoTime() > deadline) {
                return reports;
            }
            Thread.sleep(2_000);
        }
    }

    static String summaries(List<VerifyReport> reports) {
        StringBuilder out = new StringBuilder();
        reports.forEach(r -> out.append(r.summary()));
        return out.toString();
    }

    /** Change events in the topic, and how many of them are repeats of an event already seen. */
    record TopicScan(long records, long duplicates) {
        long distinct() {
            return records - duplicates;
        }
    }

    /** A directory for one test's files under {@code target/runs}, kept after the run for the logs. */
    static Path runDirectory(String name) throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "runs", name + "-" + System.currentTimeMillis()).toAbsolutePath());
    }

    /** Reads the whole topic (end offsets taken first); a duplicate is a repeated (key, commit_lsn, sequence, op). */
    TopicScan scanTopic() {
        return scan(topic);
    }

    TopicScan scan(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Set<String> seen = new HashSet<>();
            long records = 0;
            long duplicates = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    String identity;
                    try {
                        JsonNode value = ChangeEventCodec.MAPPER.readTree(r.value());
                        JsonNode source = value.path("source");
                        identity = new String(r.key() == null ? new byte[0] : r.key(), java.nio.charset.StandardCharsets.UTF_8)
                                + "|" + source.path("commit_lsn").asText() + "|" + source.path("sequence").asText()
                                + "|" + value.path("op").asText() + "|" + source.path("snapshot").asText();
                    } catch (Exception e) {
                        identity = "unparseable@" + r.partition() + "/" + r.offset();
                    }
                    if (!seen.add(identity)) {
                        duplicates++;
                    }
                }
            }
            return new TopicScan(records, duplicates);
        }
    }

    /** The slot's confirmed_flush_lsn, whether a walsender holds it, and the WAL it retains (bytes). */
    record SlotInfo(String confirmedFlushLsn, boolean active, long retainedBytes, Integer activePid) {
    }

    /**
     * Whether a walsender streams from the slot (START_REPLICATION ran). A held slot alone is not
     * enough: the session that creates the slot holds it during the whole initial snapshot.
     */
    boolean streaming() throws Exception {
        try (Connection c = postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_replication_slots s JOIN pg_stat_replication r"
                     + " ON r.pid = s.active_pid WHERE s.slot_name = '" + slot() + "'"
                     + " AND r.state IN ('catchup', 'streaming')")) {
            return rs.next();
        }
    }

    SlotInfo slotInfo() throws Exception {
        try (Connection c = postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT confirmed_flush_lsn::text, active, active_pid,"
                     + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = '" + slot() + "'")) {
            if (!rs.next()) {
                return null;
            }
            return new SlotInfo(rs.getString(1), rs.getBoolean(2), rs.getLong(4), (Integer) rs.getObject(3));
        }
    }

    long documentsVerified(List<VerifyReport> reports) {
        return reports.stream().mapToLong(VerifyReport::matched).sum();
    }

    long differences(List<VerifyReport> reports) {
        return reports.stream().mapToLong(VerifyReport::totalDifferences).sum();
    }
}
