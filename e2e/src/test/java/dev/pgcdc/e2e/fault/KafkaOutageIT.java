package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaServer;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.e2e.workload.WorkloadStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 3: the Kafka broker stopped under load for 27 s, longer than the producer's delivery timeout
 * (set to 15 s here), then restarted. The replicator fails closed: the slot's confirmed_flush_lsn does
 * not advance while Kafka is down. Whatever the replicator does meanwhile (wait, or exit for its
 * supervisor, which this test plays by restarting it), it resumes without gaps. An acknowledged
 * position may still be confirmed in the first seconds of the outage, or when the replicator ends its
 * session; after that nothing may move. Whether what was confirmed was durable, the verifier decides:
 * a position confirmed past an unacknowledged change would lose that change for good.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class KafkaOutageIT {

    @Test
    void shouldNotConfirmWalWhileKafkaIsDownAndResumeWithoutGaps(PostgresEndpoint postgres, KafkaServer kafka,
                                                                ElasticsearchEndpoint elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("KafkaOutageIT seed " + seed);
        Path dir = Pipeline.runDirectory("kafkadown");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "kafkadown");
        pipeline.extraKafka = "  producer:\n    delivery.timeout.ms: 15000\n    request.timeout.ms: 5000\n";
        pipeline.writeConfig();
        DaemonProcess replicator = pipeline.startReplicator();
        try (DaemonProcess sink = pipeline.startSink()) {
            // The outage must hit streaming, not the initial snapshot: wait for the walsender first.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!isStreaming(pipeline) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(isStreaming(pipeline)).as("the replicator streams within 60 s; log %s", replicator.log).isTrue();
            CompletableFuture<WorkloadStats> load = Pipeline.runAsync(pipeline.workload(seed, 2, Duration.ofSeconds(30)));
            Thread.sleep(4_000);
            Pipeline.SlotInfo before = pipeline.slotInfo();
            kafka.stop();
            List<Pipeline.SlotInfo> during = new ArrayList<>();
            int replicatorExit = Integer.MIN_VALUE;
            try {
                Thread.sleep(3_000);
                for (int i = 0; i < 12; i++) {
                    during.add(pipeline.slotInfo());
                    Thread.sleep(2_000);
                }
                if (!replicator.isAlive()) {
                    replicatorExit = replicator.awaitExit(0);
                }
            } finally {
                kafka.start();
            }
            System.out.printf("KafkaOutageIT slot before %s, during %s, replicator exit %s%n", before, during,
                    replicatorExit == Integer.MIN_VALUE ? "none (still running)" : replicatorExit);
            if (!replicator.isAlive()) {
                // Exiting non-zero for a supervisor to restart is failing closed too; play the supervisor.
                assertThat(replicator.awaitExit(0)).as("exit code of a replicator that gave up on Kafka").isNotZero();
                replicator = pipeline.startReplicator();
            }
            // Events Kafka acknowledged just before it stopped may be confirmed a status interval (2 s) later, or
            // only when the session ends: a send waiting for the topic's metadata (max.block.ms, 5 s) holds the
            // stream thread, so no status update goes out meanwhile, and the session's teardown then confirms
            // what Kafka had acknowledged. Seen in CI: a slow broker shutdown put that teardown 11 s in. From
            // 9 s into the outage, or from the teardown if later, nothing may move.
            int released = during.size();
            for (int i = 0; i < during.size(); i++) {
                if (during.get(i).activePid() == null) {
                    released = i;
                    break;
                }
            }
            int from = released < during.size() ? Math.max(3, released) : 3;
            assertThat(during.size() - from).as("samples left after the session settled (all samples: %s)", during)
                    .isGreaterThanOrEqualTo(3);
            List<Pipeline.SlotInfo> settled = during.subList(from, during.size());
            assertThat(settled).extracting(Pipeline.SlotInfo::confirmedFlushLsn)
                    .as("confirmed_flush_lsn from %d s to 25 s into the Kafka outage (all samples: %s)", 3 + 2 * from,
                            during)
                    .containsOnly(settled.get(0).confirmedFlushLsn());
            if (during.stream().anyMatch(d -> d.activePid() == null)) {
                // Observed: the replicator ends its replication session when a send times out and reconnects
                // (PostgreSQL itself does not drop it). Reported, not asserted: it is a design choice.
                System.out.println("KafkaOutageIT: the replicator released the slot during the outage (walsender pids "
                        + during.stream().map(d -> String.valueOf(d.activePid())).toList() + ")");
            }
            System.out.println("KafkaOutageIT " + load.get());
            List<VerifyReport> reports = pipeline.finish("3 Kafka down 27 s (> delivery.timeout.ms 15 s)", 1,
                    Duration.ofSeconds(150));
            assertThat(pipeline.differences(reports)).as("differences after the Kafka outage (seed %d):%n%s", seed,
                    Pipeline.summaries(reports)).isZero();
        } finally {
            replicator.close();
        }
    }

    private static boolean isStreaming(Pipeline pipeline) throws Exception {
        return pipeline.streaming();
    }
}
