package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.replicator.Main;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** On-demand backfill (DBLog watermarks) of a table that keeps changing, while streaming continues. */
class BackfillIT {

    private static final int ROWS = 30_000;

    /**
     * With {@code snapshot_mode: never} the pre-existing rows reach Kafka only through the backfill,
     * so an exact result shows that the backfill neither lost a row nor let a selected value
     * overwrite a newer streamed change.
     */
    @Test
    @Timeout(180)
    void shouldBackfillATableDuringWritesWithoutOverwritingNewerChanges() throws Exception {
        try (Scenario scenario = new Scenario("backfill").postgresSettings("  snapshot_mode: never\n")
                .replicatorSettings("  backfill_chunk_size: 1000\n  snapshot_progress_interval: 1s\n")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int, pad text)",
                    "INSERT INTO items SELECT g, g, md5(g::text) FROM generate_series(1, " + ROWS + ") g",
                    "ANALYZE items");
            Path config = scenario.writeConfig();
            scenario.start();
            scenario.awaitStreaming();
            Map<Integer, Integer> expected;
            long started;
            try (Churn churn = new Churn(scenario, ROWS, ROWS + 1)) {
                Thread.sleep(500);
                started = System.nanoTime();
                int code = new CommandLine(new Main()).execute("snapshot", "--table", "public.items", "--config",
                        config.toString());
                assertThat(code).as("exit code of the snapshot subcommand").isZero();
                awaitIncremental(scenario, ROWS * 9 / 10, Duration.ofSeconds(90));
                System.out.printf("backfill test: %,d rows backfilled in %.1f s under %d write transactions%n", ROWS,
                        (System.nanoTime() - started) / 1e9, churn.transactions.get());
                Thread.sleep(1_000);
                expected = churn.stopAndRead();
            }
            VersionedReplay replay = SnapshotIT.awaitConverged(scenario, expected, Duration.ofSeconds(60));
            System.out.printf("backfill test: %,d events, %,d backfill rows%n", replay.events, replay.incrementalRows);
            assertThat(Replay.differences(replay.rows, expected))
                    .as("rows whose versioned replay differs from the table (of " + expected.size() + ")").isEmpty();
            assertThat(replay.snapshotRows).as("no initial snapshot with mode never").isZero();
            assertThat(scenario.isRunning()).as("streaming went on").isTrue();
            assertThat(scenario.stop()).isZero();
        }
    }

    private static void awaitIncremental(Scenario scenario, long rows, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (VersionedReplay.read(scenario, scenario.topic).incrementalRows >= rows) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("fewer than " + rows + " backfill rows after " + timeout.toSeconds() + " s");
    }
}
