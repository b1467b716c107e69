package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchServer;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import dev.pgcdc.e2e.workload.WorkloadStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 4: Elasticsearch stopped under load for 30 s (the issue asks for 60 s; 30 s keeps the suite in
 * its time budget and is already far beyond the sink's 2 s maximum backoff), then restarted: the
 * sink's committed offsets do not move while Elasticsearch is down, and nothing is lost.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(300)
class ElasticsearchOutageIT {

    @Test
    void shouldCommitNothingWhileElasticsearchIsDownAndLoseNothingAfter(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                       ElasticsearchServer elasticsearch) throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("ElasticsearchOutageIT seed " + seed);
        Path dir = Pipeline.runDirectory("esdown");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "esdown");
        pipeline.writeConfig();
        String group = "group_" + pipeline.prefix;
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink()) {
            pipeline.awaitStreaming(replicator, Duration.ofSeconds(90));
            CompletableFuture<WorkloadStats> load = Pipeline.runAsync(pipeline.workload(seed, 2, Duration.ofSeconds(40)));
            Thread.sleep(6_000);
            elasticsearch.stop();
            long committedAtStop;
            long committedLater;
            try {
                Thread.sleep(5_000);
                committedAtStop = committed(kafka, group);
                Thread.sleep(25_000);
                committedLater = committed(kafka, group);
            } finally {
                elasticsearch.start();
            }
            assertThat(sink.isAlive()).as("the sink waits for Elasticsearch instead of exiting; log %s", sink.log).isTrue();
            assertThat(committedLater).as("offsets committed while Elasticsearch was down (5 s and 30 s into the outage)")
                    .isEqualTo(committedAtStop);
            System.out.println("ElasticsearchOutageIT " + load.get());
            List<VerifyReport> reports = pipeline.finish("4 Elasticsearch down 30 s under load", 1, Duration.ofSeconds(150));
            assertThat(pipeline.differences(reports)).as("differences after the outage (seed %d):%n%s", seed,
                    Pipeline.summaries(reports)).isZero();
        }
    }

    @Test
    void shouldBackOffAndLoseNothingWhenElasticsearchAnswers429(PostgresEndpoint postgres, KafkaEndpoint kafka)
            throws Exception {
        long seed = Long.getLong("pgcdc.e2e.seed", System.nanoTime());
        System.out.println("ElasticsearchOutageIT 429 seed " + seed);
        try (ElasticsearchServer tiny = ElasticsearchServer.builder().heap("384m")
                .setting("thread_pool.write.size", "1").setting("thread_pool.write.queue_size", "1").start()) {
            Path dir = Pipeline.runDirectory("es429");
            Pipeline pipeline = new Pipeline(postgres, kafka, tiny, dir, "es429");
            pipeline.extraSink = "  bulk_max_actions: 50\n";
            pipeline.writeConfig();
            try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink()) {
                System.out.println("ElasticsearchOutageIT 429 " + pipeline.workload(seed, 3, Duration.ofSeconds(15)).run());
                List<VerifyReport> reports = pipeline.finish("4 Elasticsearch answering 429 (write queue 1)", 1,
                        Duration.ofSeconds(150));
                String log = sink.output();
                System.out.println("ElasticsearchOutageIT 429: sink log lines mentioning 429 or retry: "
                        + log.lines().filter(l -> l.contains("429") || l.toLowerCase().contains("retr")).count());
                assertThat(pipeline.differences(reports)).as("differences with 429s (seed %d):%n%s", seed,
                        Pipeline.summaries(reports)).isZero();
            }
        }
    }

    static long committed(KafkaEndpoint kafka, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }
}
