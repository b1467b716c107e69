package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.replicator.position.PositionStore;
import dev.pgcdc.replicator.position.SnapshotState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** kill -9 of the replicator process in the middle of a snapshot, under writes: it resumes, and ends exact. */
@Timeout(300)
class SnapshotCrashIT {

    private static final int ROWS = 300_000;

    @Test
    void shouldResumeAKilledSnapshotWhereItStoppedAndEndExactlyEqual() throws Exception {
        try (Scenario scenario = new Scenario("snapcrash").replicatorSettings("  snapshot_workers: 2\n"
                + "  snapshot_chunk_size: 10000\n  snapshot_progress_interval: 2s\n")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int, pad text)",
                    "INSERT INTO items SELECT g, g, repeat(md5(g::text), 5) FROM generate_series(1, " + ROWS + ") g",
                    "ANALYZE items");
            Path config = scenario.writeConfig();
            Path log = scenario.directory.resolve("replicator.log");
            Map<Integer, Integer> expected;
            SnapshotState interrupted;
            try (Churn churn = new Churn(scenario, ROWS, ROWS + 1)) {
                ReplicatorProcess process = ReplicatorProcess.start(config, "256m", log);
                try {
                    awaitRecords(scenario, ROWS / 3, Duration.ofSeconds(120));
                    process.kill9();
                } finally {
                    process.close();
                }
                try (PositionStore store = PositionStore.open(scenario.directory.resolve("position"))) {
                    interrupted = store.loadSnapshot().orElseThrow();
                }
                Thread.sleep(500);
                process = ReplicatorProcess.start(config, "256m", log);
                try {
                    scenario.awaitStreaming(0, Duration.ofSeconds(120));
                    Thread.sleep(1_000);
                    expected = churn.stopAndRead();
                    VersionedReplay replay = SnapshotIT.awaitConverged(scenario, expected, Duration.ofSeconds(90));
                    System.out.printf("snapshot crash test: killed with %d of %d chunks done; %,d snapshot rows in"
                            + " Kafka for %,d rows; %d write transactions%n", interrupted.table(
                                    new dev.pgcdc.common.config.TableId("public", "items")).doneChunks().size(),
                            interrupted.tables().get(0).chunkCount(), replay.snapshotRows, ROWS,
                            churn.transactions.get());
                    assertThat(interrupted.complete()).as("killed before the snapshot completed").isFalse();
                    assertThat(interrupted.tables().get(0).doneChunks()).as("chunks finished before the kill")
                            .isNotEmpty();
                    assertThat(Replay.differences(replay.rows, expected))
                            .as("rows whose versioned replay differs from the table (of " + expected.size() + ")")
                            .isEmpty();
                    assertThat(replay.snapshotRows).as("resumed, not started over: finished chunks are not read again")
                            .isLessThan((long) (ROWS * 1.5));
                    assertThat(Files.readString(log)).contains("resuming after");
                    assertThat(process.terminate(10_000)).as("SIGTERM exit code").isZero();
                } finally {
                    process.close();
                }
            }
        }
    }

    private static void awaitRecords(Scenario scenario, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = scenario.consumer()) {
            while (System.nanoTime() < deadline) {
                var infos = consumer.partitionsFor(scenario.topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> partitions = new ArrayList<>();
                    infos.forEach(info -> partitions.add(new TopicPartition(scenario.topic, info.partition())));
                    long total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
                    if (total >= count) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("fewer than " + count + " records in Kafka after " + timeout.toSeconds() + " s");
    }
}
