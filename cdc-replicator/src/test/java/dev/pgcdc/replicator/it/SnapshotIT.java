package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.replicator.snapshot.SnapshotProgress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The initial snapshot on real engines: consistency under concurrent writes, event shape, modes. */
class SnapshotIT {

    /** Rows of the large-table test; {@code -Dsnapshot.it.rows=...} overrides. */
    private static final int ROWS = Integer.getInteger("snapshot.it.rows", 1_000_000);

    @Test
    @Timeout(300)
    void shouldSnapshotALargeTableWhileItIsUpdatedAndDeletedAndEndExactlyEqual() throws Exception {
        try (Scenario scenario = new Scenario("snapbig").replicatorSettings("  snapshot_workers: 4\n"
                + "  snapshot_chunk_size: 50000\n  snapshot_progress_interval: 3s\n")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int, pad text)",
                    "INSERT INTO items SELECT g, g, repeat(md5(g::text), 5) FROM generate_series(1, " + ROWS + ") g",
                    "ANALYZE items");
            Map<Integer, Integer> expected;
            long started;
            long streaming;
            try (Churn churn = new Churn(scenario, ROWS, ROWS + 1)) {
                Thread.sleep(300);
                started = System.nanoTime();
                scenario.start();
                scenario.awaitStreaming(0, Duration.ofSeconds(240));
                streaming = System.nanoTime();
                Thread.sleep(1_000);
                expected = churn.stopAndRead();
                System.out.printf("snapshot test: %d concurrent write transactions%n", churn.transactions.get());
            }
            SnapshotProgress.Table table = scenario.replicator().snapshotProgress().tables().get(0);
            System.out.printf("snapshot test: %,d rows, start to streaming %.1f s, %s (4 workers, %d cores)%n",
                    ROWS, (streaming - started) / 1e9, table.summary(), Runtime.getRuntime().availableProcessors());
            VersionedReplay replay = awaitConverged(scenario, expected, Duration.ofSeconds(120));
            assertThat(Replay.differences(replay.rows, expected))
                    .as("rows whose versioned replay differs from the table (of " + expected.size() + ")").isEmpty();
            assertThat(replay.lastMarkers).as("rows marked snapshot=last").isEqualTo(1);
            assertThat(replay.snapshotRows).as("snapshot rows: the table at the consistent point, each once")
                    .isBetween((long) (ROWS * 0.95), (long) ROWS + 10_000);
            assertThat(table.isFinished()).isTrue();
            assertThat(scenario.stop()).isZero();
        }
    }

    @Test
    @Timeout(120)
    void shouldEmitSnapshotRowsShapedExactlyLikeStreamedInserts() throws Exception {
        try (Scenario scenario = new Scenario("snapshape").tables("[public.items, public.nokey]")) {
            String values = "1.50, 'text', true, '2024-01-02 03:04:05+02', '{1,NULL,3}', '{\"a\": [1]}',"
                    + " '\\x0102', 'a  ', '12:00', '1 day 2 hours'";
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, n numeric(10,2), t text, b bool, ts timestamptz,"
                            + " arr int[], j jsonb, raw bytea, c char(4), tm time, iv interval)",
                    "CREATE TABLE nokey (a int, b text)", "ALTER TABLE nokey REPLICA IDENTITY FULL",
                    "INSERT INTO items VALUES (1, " + values + ")",
                    "INSERT INTO nokey VALUES (1, 'x'), (2, NULL)");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (2, " + values + ")");
            List<ChangeEvent> events = scenario.events(4, Duration.ofSeconds(30));
            ChangeEvent read = events.stream().filter(e -> e.op() == Op.READ && e.source().table().equals("items"))
                    .findFirst().orElseThrow();
            ChangeEvent insert = events.stream().filter(e -> e.op() == Op.CREATE).findFirst().orElseThrow();
            assertThat(read.columns()).as("columns and types as streamed").isEqualTo(insert.columns());
            assertThat(Scenario.json(read.after()).replace("\"id\":1", "\"id\":2"))
                    .as("values converted as streamed").isEqualTo(Scenario.json(insert.after()));
            assertThat(read.source().snapshot()).isEqualTo(SnapshotMarker.LAST);
            assertThat(read.source().txId()).isNull();
            assertThat(Long.compareUnsigned(read.source().commitLsn(), insert.source().commitLsn()))
                    .as("a streamed change has a higher version than the snapshot row").isNegative();
            List<ChangeEvent> nokey = events.stream().filter(e -> e.source().table().equals("nokey")).toList();
            assertThat(nokey).extracting(e -> Scenario.json(e.key()))
                    .as("a table without primary key is read whole, keyed by its replica identity (all columns)")
                    .containsExactlyInAnyOrder("{\"a\":1,\"b\":\"x\"}", "{\"a\":2,\"b\":null}");
            assertThat(scenario.stop()).isZero();
        }
    }

    @Test
    @Timeout(120)
    void shouldNotSnapshotWithModeNever() throws Exception {
        try (Scenario scenario = new Scenario("snapnever").postgresSettings("  snapshot_mode: never\n")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)",
                    "INSERT INTO items SELECT g, g FROM generate_series(1, 50) g");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (51, 51)");
            List<ChangeEvent> events = scenario.events(1, Duration.ofSeconds(30));
            Thread.sleep(500);
            events = scenario.events(1, Duration.ofSeconds(3));
            assertThat(events).extracting(e -> e.op().code() + " " + e.key()).containsExactly("c {\"id\":51}");
            assertThat(scenario.stop()).isZero();
        }
    }

    @Test
    @Timeout(120)
    void shouldExitZeroAfterTheSnapshotWithModeInitialOnly() throws Exception {
        try (Scenario scenario = new Scenario("snaponly").postgresSettings("  snapshot_mode: initial_only\n")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)",
                    "INSERT INTO items SELECT g, g FROM generate_series(1, 500) g");
            scenario.start();
            assertThat(scenario.awaitExit(Duration.ofSeconds(60))).as("exit code after the snapshot").isZero();
            VersionedReplay replay = VersionedReplay.read(scenario, scenario.topic);
            assertThat(replay.snapshotRows).isEqualTo(500);
            assertThat(replay.rows).hasSize(500).containsEntry(500, 500);
            scenario.start();
            assertThat(scenario.awaitExit(Duration.ofSeconds(60))).as("a second start has nothing to do").isZero();
            assertThat(VersionedReplay.read(scenario, scenario.topic).events).as("no rows read twice").isEqualTo(500);
        }
    }

    @Test
    @Timeout(120)
    void shouldBracketEveryTableOfASnapshotWithMarkersInEveryPartition() throws Exception {
        try (Scenario scenario = new Scenario("snapmarks").tables("[public.items, public.empty]")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)", "CREATE TABLE empty (id int PRIMARY KEY)",
                    "INSERT INTO items SELECT g, g FROM generate_series(1, 200) g");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (201, 201)");
            List<ConsumerRecord<byte[], byte[]>> records = scenario.read(200 + 1 + 2 * 2 * 3, Duration.ofSeconds(30),
                    op -> true);
            long consistentPoint = records.stream().map(r -> ChangeEventCodec.decode(r.value()))
                    .filter(e -> e.op() == Op.READ).mapToLong(e -> e.source().commitLsn()).max().orElseThrow();
            for (String table : List.of("items", "empty")) {
                for (Op marker : List.of(Op.SNAPSHOT_STARTED, Op.SNAPSHOT_COMPLETED)) {
                    List<ChangeEvent> markers = records.stream().map(r -> ChangeEventCodec.decode(r.value()))
                            .filter(e -> e.op() == marker && e.source().table().equals(table)).toList();
                    assertThat(records.stream().filter(r -> ChangeEventCodec.decode(r.value()).op() == marker
                                    && ChangeEventCodec.decode(r.value()).source().table().equals(table))
                            .map(ConsumerRecord::partition))
                            .as("%s of %s: one in every partition", marker, table).containsExactlyInAnyOrder(0, 1, 2);
                    assertThat(markers).allSatisfy(e -> {
                        assertThat(e.key()).isNull();
                        assertThat(e.after()).isNull();
                        assertThat(e.source().commitLsn()).as("the snapshot's version").isEqualTo(consistentPoint);
                        assertThat(e.source().sequence()).isZero();
                    });
                }
            }
            for (int partition = 0; partition < 3; partition++) {
                int p = partition;
                List<String> sequence = records.stream().filter(r -> r.partition() == p)
                        .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                        .map(r -> ChangeEventCodec.decode(r.value()))
                        .filter(e -> e.source().table().equals("items"))
                        .map(e -> e.op() == Op.READ ? "r" : e.op().code()).distinct().toList();
                List<String> expected = new java.util.ArrayList<>(List.of("snapshot_started", "r", "snapshot_completed"));
                if (records.stream().anyMatch(r -> r.partition() == p && ChangeEventCodec.decode(r.value()).op() == Op.CREATE)) {
                    expected.add("c");
                }
                assertThat(sequence).as("partition %d: the started marker, the rows, the completed marker, then the stream",
                        p).isEqualTo(expected);
            }
            assertThat(scenario.stop()).isZero();
        }
    }

    /**
     * A re-snapshot emits what exists: rows deleted while the slot was gone are not announced as
     * deletes; a consumer learns of them from the {@code snapshot_completed} marker (rows older than
     * the snapshot it did not rewrite are gone). This test checks the rows and markers in Kafka.
     */
    @Test
    @Timeout(180)
    void shouldSnapshotAgainWithModeWhenNeededAfterTheSlotWasDroppedAndRecreated() throws Exception {
        try (Scenario scenario = new Scenario("snapneeded").postgresSettings("  snapshot_mode: when_needed\n")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)",
                    "INSERT INTO items SELECT g, g FROM generate_series(1, 300) g");
            // A transaction open elsewhere in the cluster makes CREATE_REPLICATION_SLOT wait for it to end
            // before the consistent point, with the slot already held by the creating walsender: "slot active"
            // must not be mistaken for "streaming" (the first snapshot would be stopped before its rows).
            try (Connection blocker = scenario.connect(); Statement statement = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                statement.execute("SELECT txid_current()");
                CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(2_000);
                        blocker.commit();
                    } catch (InterruptedException | SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                scenario.start();
                scenario.awaitStreaming();
                released.get(30, TimeUnit.SECONDS);
            }
            assertThat(scenario.stop()).isZero();
            scenario.sql("SELECT pg_drop_replication_slot('" + scenario.slot + "')",
                    "UPDATE items SET val = -val WHERE id <= 10",
                    "SELECT pg_create_logical_replication_slot('" + scenario.slot + "', 'pgoutput')",
                    "INSERT INTO items VALUES (1000, 1000)");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("UPDATE items SET val = 7 WHERE id = 20");
            Map<Integer, Integer> expected = new java.util.HashMap<>();
            try (var connection = scenario.connect(); var rs = connection.createStatement()
                    .executeQuery("SELECT id, val FROM items")) {
                while (rs.next()) {
                    expected.put(rs.getInt(1), rs.getInt(2));
                }
            }
            VersionedReplay replay = awaitConverged(scenario, expected, Duration.ofSeconds(30));
            assertThat(Replay.differences(replay.rows, expected)).as("rows after the re-snapshot").isEmpty();
            assertThat(replay.snapshotRows).as("two snapshots: 300 rows, then 301").isEqualTo(300 + 301);
            assertThat(replay.startedMarkers).as("snapshot_started: two snapshots, 3 partitions").isEqualTo(2 * 3);
            assertThat(replay.completedMarkers).as("snapshot_completed: two snapshots, 3 partitions").isEqualTo(2 * 3);
            assertThat(scenario.stop()).isZero();
        }
    }

    static VersionedReplay awaitConverged(Scenario scenario, Map<Integer, Integer> expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        VersionedReplay replay;
        do {
            replay = VersionedReplay.read(scenario, scenario.topic);
            if (replay.rows.equals(expected)) {
                return replay;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        return replay;
    }
}
