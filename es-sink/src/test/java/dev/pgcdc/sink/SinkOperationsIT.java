package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.delete;
import static dev.pgcdc.sink.TestEvents.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /health, /metrics, {@code check} and {@code status} of the sink against real Kafka and Elasticsearch. */
@ExtendWith(EnginesExtension.class)
@Timeout(180)
class SinkOperationsIT {

    private final KafkaEndpoint kafka;
    private final ElasticsearchEndpoint elasticsearch;
    private final HttpClient http = HttpClient.newHttpClient();

    SinkOperationsIT(KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @Test
    void shouldServeHealthAndMetricsThatMoveWhenEventsFlow() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 2)) {
            h.metricsPort = freePort();
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                        assertThat(get(h, "/health/ready").statusCode()).as("ready once partitions are assigned").isEqualTo(200));
                assertThat(get(h, "/health").body()).contains("\"status\" : \"READY\"", "consuming " + h.topic);
                String before = get(h, "/metrics").body();
                assertThat(value(before, "pgcdc_sink_events_total", "op=\"create\",table=\"public.users\""))
                        .as("no event applied yet").isEqualTo(0.0);

                h.send(insert("users", 100, 0, 1, "alice", "a"));
                h.send(insert("users", 100, 1, 2, "bob", "b"));
                h.send(insert("users", 100, 2, 3, "carol", "c"));
                h.send(delete("users", 200, 0, 3));
                h.flush();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    String metrics = get(h, "/metrics").body();
                    assertThat(value(metrics, "pgcdc_sink_events_total", "op=\"create\",table=\"public.users\""))
                            .as("inserts applied").isEqualTo(3.0);
                    assertThat(value(metrics, "pgcdc_sink_events_total", "op=\"delete\",table=\"public.users\""))
                            .as("deletes applied").isEqualTo(1.0);
                    assertThat(metrics).contains("pgcdc_sink_consumer_lag_records{partition=");
                    assertThat(value(metrics, "pgcdc_sink_consumer_lag_records", null)).as("lag once caught up")
                            .isEqualTo(0.0);
                    // The commit follows the applied batch on the loop's next turn, so it is awaited too.
                    assertThat(value(metrics, "pgcdc_sink_committed_offsets_total", null)).as("offset commits")
                            .isGreaterThanOrEqualTo(1.0);
                });
                String after = get(h, "/metrics").body();
                assertThat(value(after, "pgcdc_sink_bulk_seconds_count", "outcome=\"ok\"")).as("bulk requests")
                        .isGreaterThanOrEqualTo(1.0);
                // A delete sent in the same bulk as the insert of its row replaces it (one write per document).
                assertThat(value(after, "pgcdc_sink_bulk_actions_sum", null)).as("bulk items: 3 inserts, a delete and"
                        + " its tombstone, less the insert the delete may replace").isGreaterThanOrEqualTo(4.0);
                assertThat(value(after, "pgcdc_sink_end_to_end_seconds_count", null)).isEqualTo(4.0);
                assertThat(value(after, "pgcdc_sink_dead_lettered_total", null)).isEqualTo(0.0);
                assertThat(after).contains("jvm_memory_used_bytes{", "pgcdc_build_info{daemon=\"es-sink\"");
                assertThat(h.count(h.mirror("users"))).isEqualTo(2);

                h.sendRaw("k".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8));
                h.flush();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                        value(get(h, "/metrics").body(), "pgcdc_sink_dead_lettered_total", null))
                        .as("a record that is not a change event is dead-lettered").isEqualTo(1.0));
            }
        }
    }

    @Test
    void shouldPassEveryCheckAgainstRunningEngines(@TempDir Path dir) throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, h.yaml(h.group, ""));
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            int code = SinkCheck.check(config, Duration.ofSeconds(10), new PrintStream(out, true, StandardCharsets.UTF_8));

            String report = out.toString(StandardCharsets.UTF_8);
            assertThat(code).as("exit code; report:\n" + report).isZero();
            assertThat(report).contains("ok    config:", "ok    kafka connection:", "ok    kafka topic: " + h.topic
                    + " has 1 partitions", "ok    kafka consumer group:", "ok    elasticsearch connection:",
                    "ok    elasticsearch version: " + elasticsearch.version(), "ok    elasticsearch privileges:",
                    "all 7 checks passed");
        }
    }

    @Test
    void shouldFailChecksWithTheFixWhenEnginesCannotBeReached(@TempDir Path dir) throws Exception {
        int closedKafka = freePort();
        int closedEs = freePort();
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, h.yaml(h.group, "")
                    .replace(kafka.bootstrapServers(), "127.0.0.1:" + closedKafka)
                    .replace(elasticsearch.url(), "http://127.0.0.1:" + closedEs));
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            int code = SinkCheck.check(config, Duration.ofSeconds(3), new PrintStream(out, true, StandardCharsets.UTF_8));

            String report = out.toString(StandardCharsets.UTF_8);
            assertThat(code).as("exit code; report:\n" + report).isEqualTo(1);
            assertThat(report).contains("ok    config:")
                    .contains("FAIL  kafka connection: no broker of [127.0.0.1:" + closedKafka + "] answered within 3 s"
                            + " -> fix: check kafka.brokers")
                    .contains("skip  kafka topic:")
                    .containsPattern("FAIL  elasticsearch connection: .*127\\.0\\.0\\.1:" + closedEs
                            + ".* -> fix: check elasticsearch.addresses")
                    .contains("skip  elasticsearch version:")
                    .contains("checks did not pass");
        }
    }

    @Test
    void shouldReportTheLagPerPartitionUntilTheSinkCatchesUp(@TempDir Path dir) throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            for (int id = 1; id <= 6; id++) {
                h.send(insert("users", 100 + id, 0, id, "user" + id, "b")).get();
            }
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, h.yaml(h.group, ""));
            var kafkaConfig = h.config(h.group, "").kafka();

            SinkStatus.Report before = SinkStatus.read(kafkaConfig, Duration.ofSeconds(10));
            assertThat(before.partitions()).as("every partition of the topic").hasSize(3);
            assertThat(before.totalLag()).as("nothing consumed yet").isEqualTo(6);
            assertThat(before.partitions()).allSatisfy(p -> assertThat(p.committed()).isEqualTo(-1));

            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.count(h.mirror("users")) == 6
                        && SinkStatus.read(kafkaConfig, Duration.ofSeconds(10)).totalLag() == 0);
                SinkStatus.Report running = SinkStatus.read(kafkaConfig, Duration.ofSeconds(10));
                assertThat(running.members()).as("the running sink is a member").isEqualTo(1);
                ByteArrayOutputStream json = new ByteArrayOutputStream();
                SinkStatus.print(running, true, new PrintStream(json, true, StandardCharsets.UTF_8));
                JsonNode parsed = ChangeEventCodec.MAPPER.readTree(json.toByteArray());
                assertThat(parsed.path("group").asText()).isEqualTo(h.group);
                assertThat(parsed.path("total_lag").asLong()).isZero();
                assertThat(parsed.path("partitions")).hasSize(3);
                long committed = 0;
                for (JsonNode partition : parsed.path("partitions")) {
                    committed += partition.path("committed").asLong();
                }
                assertThat(committed).as("committed offsets sum to the records sent").isEqualTo(6);
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                SinkStatus.print(running, false, new PrintStream(text, true, StandardCharsets.UTF_8));
                assertThat(text.toString(StandardCharsets.UTF_8)).contains("consumer group  " + h.group,
                        "total lag       0 records");
            }
        }
    }

    private HttpResponse<String> get(SinkHarness h, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.metricsPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample: {@code name{labels} value}; the sum over all label sets when {@code labels} is null. */
    static double value(String scrape, String name, String labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(scrape);
        double sum = 0;
        while (matcher.find()) {
            if (labels == null || labels.equals(matcher.group(2))) {
                sum += Double.parseDouble(matcher.group(3));
            }
        }
        return sum;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
