package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.delete;
import static dev.pgcdc.sink.TestEvents.insert;
import static dev.pgcdc.sink.TestEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.devstack.ElasticsearchServer;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.TestCertificateAuthority;
import dev.pgcdc.sink.es.EsAuthException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against an Elasticsearch that serves HTTPS only, with security on and a certificate from a CA
 * made for the test: trust by CA file or by fingerprint, authentication by password or API key, and a
 * clear start-up failure (exit 1) for a certificate from another CA and for a wrong API key.
 */
@ExtendWith(EnginesExtension.class)
@Timeout(120)
class SinkTlsIT {

    private static final String PASSWORD = "tls-it-password";
    private static final String SENTINEL = "SENTINEL-apikey-5e77c1";

    private static TestCertificateAuthority ca;
    private static TestCertificateAuthority otherCa;
    private static ElasticsearchServer elasticsearch;

    private final KafkaEndpoint kafka;

    SinkTlsIT(KafkaEndpoint kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    static void startHttpsNode() {
        ca = TestCertificateAuthority.create("pgcdc test CA");
        otherCa = TestCertificateAuthority.create("some other CA");
        elasticsearch = ElasticsearchServer.builder().security(PASSWORD).https(ca).start();
    }

    @AfterAll
    static void stopHttpsNode() {
        if (elasticsearch != null) {
            elasticsearch.close();
        }
        if (ca != null) {
            ca.close();
        }
        if (otherCa != null) {
            otherCa.close();
        }
    }

    private SinkHarness harness() {
        assertThat(elasticsearch.url()).startsWith("https://");
        return new SinkHarness(kafka, elasticsearch, 1, ca.certificate());
    }

    /** Sends an insert, an update, and an insert then delete, and checks the mirror index holds the result. */
    private static void assertAppliesEvents(SinkHarness h) throws Exception {
        h.send(insert("users", 100, 0, 1, "alice", "a"));
        h.send(update("users", 200, 0, 1, "alice2", "b"));
        h.send(insert("users", 300, 0, 2, "bob", "c"));
        h.send(delete("users", 400, 0, 2));
        h.flush();
        try (SinkHarness.Running sink = h.start("")) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, ObjectNode> documents = h.documents(h.mirror("users"));
                assertThat(documents).containsOnlyKeys("1");
                assertThat(documents.get("1").path("name").asText()).isEqualTo("alice2");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) == 4);
        }
    }

    @Test
    void shouldApplyEventsOverHttpsTrustingTheCaCertificateFile() throws Exception {
        try (SinkHarness h = harness()) {
            assertAppliesEvents(h);
        }
    }

    @Test
    void shouldApplyEventsOverHttpsTrustingTheCaFingerprint() throws Exception {
        try (SinkHarness h = harness()) {
            h.elasticsearchSecurity = "  username: elastic\n  password: " + PASSWORD + "\n"
                    + "  ca_fingerprint: " + ca.sha256Fingerprint() + "\n";
            assertAppliesEvents(h);
        }
    }

    @Test
    void shouldApplyEventsAuthenticatedByAnApiKey() throws Exception {
        try (SinkHarness h = harness()) {
            String key;
            try {
                key = h.client().security().createApiKey(r -> r.name("pgcdc-it-" + h.prefix)).encoded();
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                // The integ-test-zip distribution lacks the analysis-common module the .security index maps with.
                org.junit.jupiter.api.Assumptions.assumeFalse(String.valueOf(e.getMessage()).contains("pattern_capture"),
                        "this Elasticsearch distribution cannot store API keys: " + e.getMessage());
                throw e;
            }
            h.elasticsearchSecurity = "  api_key: " + key + "\n  ca_certificate: " + ca.certificate() + "\n";
            assertAppliesEvents(h);
        }
    }

    @Test
    void shouldStopAtStartUpWhenTheCertificateIsFromAnotherCa(@TempDir Path dir) throws Exception {
        try (SinkHarness h = harness()) {
            h.elasticsearchSecurity = "  username: elastic\n  password: " + PASSWORD + "\n"
                    + "  ca_certificate: " + otherCa.certificate() + "\n";
            SinkFatalException e = catchThrowableOfType(() -> new Main.Sink(h.config(h.group, "")).run(),
                    SinkFatalException.class);
            assertThat(e).as("the sink started although the node's certificate is from another CA").isNotNull();
            assertThat(e.getMessage()).contains("Elasticsearch's TLS certificate was not accepted")
                    .contains("set elasticsearch.ca_certificate to the PEM file of the CA that signed");
            Path config = dir.resolve("other-ca.yaml");
            Files.writeString(config, h.yaml(h.group, ""));
            assertThat(Main.run(config)).as("exit code with a certificate from another CA").isEqualTo(1);
            String report = check(config);
            assertThat(report).contains("FAIL  elasticsearch connection: Elasticsearch's TLS certificate was not accepted");
        }
    }

    @Test
    void shouldStopAtStartUpWithA401WhenTheApiKeyIsWrong(@TempDir Path dir) throws Exception {
        try (SinkHarness h = harness()) {
            String wrong = Base64.getEncoder().encodeToString(("no-such-key-id:" + SENTINEL).getBytes(StandardCharsets.UTF_8));
            h.elasticsearchSecurity = "  api_key: " + wrong + "\n  ca_certificate: " + ca.certificate() + "\n";
            EsAuthException e = catchThrowableOfType(() -> new Main.Sink(h.config(h.group, "")).run(),
                    EsAuthException.class);
            assertThat(e).as("the sink started with a wrong API key").isNotNull();
            assertThat(e.getMessage()).contains("rejected the credentials (HTTP 401 Unauthorized)")
                    .contains("the configured API key (elasticsearch.api_key)")
                    .doesNotContain(wrong).doesNotContain(SENTINEL);
            Path config = dir.resolve("wrong-api-key.yaml");
            Files.writeString(config, h.yaml(h.group, ""));
            assertThat(Main.run(config)).as("exit code with a wrong API key").isEqualTo(1);
            assertThat(check(config)).contains("FAIL  elasticsearch connection: Elasticsearch rejected the credentials"
                    + " (HTTP 401").doesNotContain(wrong).doesNotContain(SENTINEL);
        }
    }

    private static String check(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SinkCheck.check(config, Duration.ofSeconds(10), new PrintStream(out, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("check exit code; report:\n" + report).isEqualTo(1);
        return report;
    }
}
