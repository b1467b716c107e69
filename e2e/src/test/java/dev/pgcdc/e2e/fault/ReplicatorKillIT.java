package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.e2e.workload.Workload;
import dev.pgcdc.e2e.workload.WorkloadStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 1: kill -9 of the replicator at random moments: during the initial snapshot, under the
 * randomised workload, and while it streams one large committed transaction. The index must equal the
 * tables afterwards.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class ReplicatorKillIT {

    static final int KILLS = 10;

    @Test
    void shouldMirrorEveryTableExactlyAfterRepeatedKill9OfTheReplicator(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                       ElasticsearchEndpoint elasticsearch)
            throws Exception {
        Path dir = Pipeline.runDirectory("killrep");
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("ReplicatorKillIT seed " + seed);
        Random random = new Random(seed);
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "killrep");
        // Rows for the initial snapshot, so that the first kill lands in it.
        postgres.execute(pipeline.database, "INSERT INTO wl_accounts (id, owner, balance) SELECT g, 'seed' || g, g"
                + " FROM generate_series(-5000, -1) g");
        pipeline.writeConfig();
        Workload workload = pipeline.workload(seed, 2, Duration.ofSeconds(15));
        DaemonProcess replicator = pipeline.startReplicator();
        try (DaemonProcess sink = pipeline.startSink()) {
            Thread.sleep(1_500);
            replicator.kill9();
            replicator = pipeline.startReplicator();
            pipeline.awaitStreaming(replicator, Duration.ofSeconds(90));
            CompletableFuture<WorkloadStats> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return workload.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            for (int kill = 1; kill < KILLS - 1; kill++) {
                Thread.sleep(800 + random.nextInt(1_500));
                replicator.kill9();
                Thread.sleep(random.nextInt(1_000));
                replicator = pipeline.startReplicator();
            }
            WorkloadStats stats = load.get();
            // The last kill: while the replicator streams one committed 50,000-row transaction.
            Thread.sleep(3_000);
            postgres.execute(pipeline.database, "INSERT INTO wl_orders (region, order_no, amount, note)"
                    + " SELECT 99, g, g, 'large tx' FROM generate_series(1, 50000) g");
            Thread.sleep(300 + random.nextInt(700));
            replicator.kill9();
            replicator = pipeline.startReplicator();

            List<VerifyReport> reports = pipeline.awaitConsistent(Duration.ofSeconds(150));
            Pipeline.TopicScan scan = pipeline.scanTopic();
            long differences = pipeline.differences(reports);
            FaultReport.add("1 replicator kill -9 (snapshot, load, large tx)", KILLS, scan.distinct(),
                    pipeline.documentsVerified(reports), differences, scan.duplicates());
            System.out.println("ReplicatorKillIT " + stats + "; Kafka " + scan);
            assertThat(differences).as("differences after %d kill -9 (seed %d):%n%s", KILLS, seed,
                    Pipeline.summaries(reports)).isZero();
        } finally {
            replicator.close();
        }
    }
}
