package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.replicator.position.PositionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 7: the replicator's position and the server's slot disagree while the replicator is stopped.
 * A slot dropped and re-created, or a stored LSN ahead of the server, stops the replicator with a clear
 * message (never a silent gap); {@code snapshot_mode: when_needed} re-snapshots instead; a deleted
 * position directory restarts from the slot. The verifier is clean after each recovery.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class SlotAndPositionIT {

    @Test
    void shouldRefuseClearlyOrRecoverWhenSlotAndStoredPositionDisagree(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                      ElasticsearchEndpoint elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        Path dir = Pipeline.runDirectory("slot");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "slot");
        pipeline.writeConfig();
        int trials = 0;
        try (DaemonProcess sink = pipeline.startSink()) {
            try (DaemonProcess replicator = pipeline.startReplicator()) {
                pipeline.workload(seed, 2, Duration.ofSeconds(8)).run();
                assertClean(pipeline.awaitConsistent(Duration.ofSeconds(90)), "before the faults");
                assertThat(replicator.terminate(15_000)).as("SIGTERM exit code").isZero();
            }

            // (a) Slot dropped and re-created while the replicator is stopped, with writes in between.
            postgres.execute(pipeline.database, "SELECT pg_drop_replication_slot('" + pipeline.slot() + "')");
            postgres.execute(pipeline.database, "UPDATE wl_accounts SET owner = 'gap' WHERE id % 3 = 0",
                    "INSERT INTO wl_scratch (id, v) VALUES (100000, 'during the gap')");
            postgres.execute(pipeline.database, "SELECT pg_create_logical_replication_slot('" + pipeline.slot()
                    + "', 'pgoutput')");
            DaemonProcess refused = pipeline.startReplicator();
            int code = refused.awaitExit(60_000);
            String output = refused.output();
            refused.close();
            assertThat(code).as("exit code with a re-created slot; log %s", refused.log).isNotIn(0, -1);
            assertThat(output).as("the reason, in the replicator's output")
                    .contains("replication slot '" + pipeline.slot() + "' has confirmed_flush_lsn")
                    .contains("re-snapshot");
            trials++;

            pipeline.extraPostgres = "  snapshot_mode: when_needed\n";
            pipeline.writeConfig();
            try (DaemonProcess replicator = pipeline.startReplicator()) {
                List<VerifyReport> reports = pipeline.awaitConsistent(Duration.ofSeconds(90));
                assertClean(reports, "after snapshot_mode when_needed re-snapshotted a re-created slot");
                trials++;
                assertThat(replicator.terminate(15_000)).isZero();
            }

            // (b) Position directory deleted: the replicator starts from the slot (or snapshots); nothing lost.
            deleteTree(dir.resolve("position"));
            postgres.execute(pipeline.database, "UPDATE wl_orders SET note = 'after the store was deleted'");
            try (DaemonProcess replicator = pipeline.startReplicator()) {
                assertClean(pipeline.awaitConsistent(Duration.ofSeconds(90)), "after the position directory was deleted");
                trials++;
                assertThat(replicator.terminate(15_000)).isZero();
            }

            // (c) Stored LSN ahead of the server: refuse, naming both positions.
            pipeline.extraPostgres = "";
            pipeline.writeConfig();
            Lsn ahead;
            try (Connection c = postgres.connect(pipeline.database); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                ahead = new Lsn(Lsn.parse(rs.getString(1)).value() + (1L << 32));
            }
            try (PositionStore store = PositionStore.open(dir.resolve("position"))) {
                store.save(ahead, pipeline.slot());
            }
            DaemonProcess refusedAhead = pipeline.startReplicator();
            code = refusedAhead.awaitExit(60_000);
            output = refusedAhead.output();
            refusedAhead.close();
            assertThat(code).as("exit code with a stored LSN ahead of the server; log %s", refusedAhead.log)
                    .isNotIn(0, -1);
            assertThat(output).contains("is ahead of the server's current WAL position");
            trials++;
            List<VerifyReport> reports = pipeline.verify();
            FaultReport.add("7 slot re-created / store deleted / store ahead", trials, pipeline.scanTopic().distinct(),
                    pipeline.documentsVerified(reports), pipeline.differences(reports), pipeline.scanTopic().duplicates());
            assertClean(reports, "at the end");
        }
    }

    @Test
    void shouldNotKeepDocumentsOfRowsDeletedBeforeAReSnapshot(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                             ElasticsearchEndpoint elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        Path dir = Pipeline.runDirectory("slotdel");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "slotdel");
        pipeline.extraPostgres = "  snapshot_mode: when_needed\n";
        pipeline.writeConfig();
        try (DaemonProcess sink = pipeline.startSink()) {
            try (DaemonProcess replicator = pipeline.startReplicator()) {
                pipeline.workload(seed, 2, Duration.ofSeconds(5)).run();
                assertClean(pipeline.awaitConsistent(Duration.ofSeconds(90)), "before the fault");
                assertThat(replicator.terminate(15_000)).isZero();
            }
            postgres.execute(pipeline.database, "SELECT pg_drop_replication_slot('" + pipeline.slot() + "')",
                    "DELETE FROM wl_accounts WHERE id % 3 = 0",
                    "SELECT pg_create_logical_replication_slot('" + pipeline.slot() + "', 'pgoutput')");
            try (DaemonProcess replicator = pipeline.startReplicator()) {
                assertClean(pipeline.awaitConsistent(Duration.ofSeconds(90)),
                        "after a re-snapshot: rows deleted in the gap must not survive as documents");
            }
        }
    }

    private static void assertClean(List<VerifyReport> reports, String when) {
        assertThat(reports.stream().mapToLong(VerifyReport::totalDifferences).sum())
                .as("differences %s:%n%s", when, Pipeline.summaries(reports)).isZero();
    }

    static void deleteTree(Path path) throws Exception {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
