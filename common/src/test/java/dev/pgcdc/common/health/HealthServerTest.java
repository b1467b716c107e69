package dev.pgcdc.common.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.metrics.Metrics;
import dev.pgcdc.common.metrics.SinkMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HealthServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final Health health = new Health(Clock.systemUTC());
    private Metrics metrics;
    private HealthServer server;

    @BeforeEach
    void start() {
        metrics = new Metrics("es-sink", "1.2.3");
        server = HealthServer.start("127.0.0.1", 0, "es-sink", "1.2.3", health, metrics.registry());
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldReportLiveButNotReadyWhileStartingAndReadyOnceConsuming() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        HttpResponse<String> starting = get("/health");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.body()).contains("\"status\" : \"STARTING\"", "\"version\" : \"1.2.3\"");

        health.ready("consuming cdc-events");
        HttpResponse<String> ready = get("/health");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\" : true", "consuming cdc-events");
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldStayFailedOnceFailedAndReportNotLive() throws Exception {
        health.ready("consuming");
        health.failed("Elasticsearch rejected the credentials");
        health.ready("consuming again");
        assertThat(get("/health/live").statusCode()).as("a failed daemon is not live").isEqualTo(503);
        assertThat(get("/health").body()).contains("FAILED", "rejected the credentials");
    }

    @Test
    void shouldServePrometheusTextWithJvmAndPipelineMeters() throws Exception {
        SinkMetrics sink = new SinkMetrics(metrics.registry(), Clock.systemUTC());
        sink.applied(new TableId("public", "users"), Op.CREATE, System.currentTimeMillis() - 50);
        sink.applied(new TableId("public", "users"), Op.CREATE, System.currentTimeMillis() - 50);
        sink.bulk(Duration.ofMillis(12), 2, 400, true);
        sink.consumerLag("cdc-events", 0, 7);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(response.body()).contains(
                "pgcdc_sink_events_total{op=\"create\",table=\"public.users\"} 2.0",
                "pgcdc_sink_consumer_lag_records{partition=\"0\",topic=\"cdc-events\"} 7.0",
                "pgcdc_sink_bulk_seconds_count{outcome=\"ok\"} 1",
                "pgcdc_sink_bulk_actions_sum 2.0",
                "pgcdc_build_info{daemon=\"es-sink\",version=\"1.2.3\"} 1",
                "jvm_memory_used_bytes");
        sink.forgetPartition("cdc-events", 0);
        assertThat(get("/metrics").body()).doesNotContain("pgcdc_sink_consumer_lag_records{");
    }

    @Test
    void shouldRefuseWritesAndUnknownPaths() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/health")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }
}
