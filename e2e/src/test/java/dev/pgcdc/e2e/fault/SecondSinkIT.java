package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.e2e.workload.WorkloadStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 8: a second sink instance (same consumer group) joins mid-stream and later leaves, once
 * cleanly and once by kill -9: each is a rebalance that moves partitions between instances while they
 * write. No stale overwrite (an older version written after a newer one), no loss.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class SecondSinkIT {

    @Test
    void shouldStayExactWhileASecondSinkJoinsAndLeaves(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                      ElasticsearchEndpoint elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("SecondSinkIT seed " + seed);
        Path dir = Pipeline.runDirectory("twosinks");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "twosinks");
        pipeline.writeConfig();
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess first = pipeline.startSink()) {
            pipeline.awaitStreaming(replicator, Duration.ofSeconds(90));
            CompletableFuture<WorkloadStats> load = Pipeline.runAsync(pipeline.workload(seed, 2, Duration.ofSeconds(20)));
            Thread.sleep(3_000);
            DaemonProcess second = pipeline.startSink();
            Thread.sleep(6_000);
            assertThat(second.terminate(20_000)).as("the second sink leaves cleanly on SIGTERM; log %s", second.log).isZero();
            Thread.sleep(3_000);
            DaemonProcess third = pipeline.startSink();
            Thread.sleep(6_000);
            third.kill9();
            System.out.println("SecondSinkIT " + load.get());
            assertThat(first.isAlive()).as("the first sink survives the rebalances; log %s", first.log).isTrue();
            List<VerifyReport> reports = pipeline.finish("8 second sink joins and leaves (SIGTERM, kill -9)", 2,
                    Duration.ofSeconds(150));
            assertThat(pipeline.differences(reports)).as("differences (seed %d):%n%s", seed,
                    Pipeline.summaries(reports)).isZero();
        }
    }
}
