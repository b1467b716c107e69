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
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fault 2: kill -9 of the sink at random moments while it writes bulks (small bulks: always mid-bulk). */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class SinkKillIT {

    static final int KILLS = 10;

    @Test
    void shouldMirrorEveryTableExactlyAfterRepeatedKill9OfTheSink(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                 ElasticsearchEndpoint elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("SinkKillIT seed " + seed);
        Random random = new Random(seed);
        Path dir = Pipeline.runDirectory("killsink");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "killsink");
        pipeline.extraSink = "  bulk_max_actions: 200\n";
        pipeline.writeConfig();
        try (DaemonProcess replicator = pipeline.startReplicator()) {
            DaemonProcess sink = pipeline.startSink();
            try {
                pipeline.awaitStreaming(replicator, Duration.ofSeconds(90));
                CompletableFuture<WorkloadStats> load = Pipeline.runAsync(pipeline.workload(seed, 3, Duration.ofSeconds(15)));
                for (int kill = 0; kill < KILLS; kill++) {
                    Thread.sleep(1_000 + random.nextInt(1_500));
                    sink.kill9();
                    Thread.sleep(random.nextInt(500));
                    sink = pipeline.startSink();
                }
                System.out.println("SinkKillIT " + load.get());
                List<VerifyReport> reports = pipeline.finish("2 sink kill -9 mid-bulk", KILLS, Duration.ofSeconds(150));
                assertThat(pipeline.differences(reports)).as("differences after %d kill -9 of the sink (seed %d):%n%s",
                        KILLS, seed, Pipeline.summaries(reports)).isZero();
            } finally {
                sink.close();
            }
        }
    }
}
