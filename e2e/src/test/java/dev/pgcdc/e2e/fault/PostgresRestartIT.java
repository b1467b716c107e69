package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresServer;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.e2e.workload.WorkloadStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fault 5: PostgreSQL restarted with fast and with immediate shutdown under load. */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class PostgresRestartIT {

    @Test
    void shouldResumeWithoutLossAfterFastAndImmediateRestarts(PostgresServer postgres, KafkaEndpoint kafka,
                                                             ElasticsearchEndpoint elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("PostgresRestartIT seed " + seed);
        Path dir = Pipeline.runDirectory("pgrestart");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "pgrestart");
        pipeline.extraReplicator = "  reconnect_max_backoff: 2s\n";
        pipeline.writeConfig();
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink()) {
            pipeline.awaitStreaming(replicator, Duration.ofSeconds(90));
            CompletableFuture<WorkloadStats> load = Pipeline.runAsync(pipeline.workload(seed, 3, Duration.ofSeconds(20)));
            int trials = 0;
            for (PostgresServer.Mode mode : List.of(PostgresServer.Mode.FAST, PostgresServer.Mode.IMMEDIATE,
                    PostgresServer.Mode.FAST, PostgresServer.Mode.IMMEDIATE)) {
                Thread.sleep(3_000);
                postgres.stop(mode);
                Thread.sleep(1_500);
                postgres.start();
                trials++;
            }
            WorkloadStats stats = load.get();
            System.out.println("PostgresRestartIT " + stats);
            assertThat(replicator.isAlive()).as("the replicator reconnects instead of exiting; log %s", replicator.log)
                    .isTrue();
            List<VerifyReport> reports = pipeline.finish("5 PostgreSQL restart (fast, immediate)", trials,
                    Duration.ofSeconds(120));
            assertThat(pipeline.differences(reports)).as("differences after PostgreSQL restarts (seed %d):%n%s", seed,
                    Pipeline.summaries(reports)).isZero();
        }
    }
}
