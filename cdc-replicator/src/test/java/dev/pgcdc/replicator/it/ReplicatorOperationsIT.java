package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.OperationsAccess;
import dev.pgcdc.replicator.position.PositionStore;
import java.io.ByteArrayOutputStream;
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

/** /health, /metrics, {@code check}, {@code status} and {@code drop-slot} of the replicator against real engines. */
@Timeout(240)
class ReplicatorOperationsIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeMetricsThatMoveAndReportStatusWhileRunningThenDropTheSlot() throws Exception {
        try (Scenario scenario = new Scenario("ops_metrics")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)",
                    "INSERT INTO items SELECT g, g FROM generate_series(1, 250) g");
            scenario.metricsPort = freePort();
            Path config = scenario.writeConfig();
            Path log = scenario.directory.resolve("replicator.log");
            try (ReplicatorProcess process = ReplicatorProcess.start(config, "256m", log)) {
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                        assertThat(get(scenario, "/health/ready").statusCode()).as("ready; log: " + Files.readString(log))
                                .isEqualTo(200));
                scenario.awaitStreaming();
                scenario.sql("INSERT INTO items VALUES (1001, 1), (1002, 2), (1003, 3)",
                        "UPDATE items SET val = 0 WHERE id = 1001", "DELETE FROM items WHERE id = 1002");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    String metrics = get(scenario, "/metrics").body();
                    assertThat(value(metrics, "pgcdc_replicator_events_total", "op=\"create\",table=\"public.items\""))
                            .as("inserts written to Kafka").isEqualTo(3.0);
                    assertThat(value(metrics, "pgcdc_replicator_events_total", "op=\"update\",table=\"public.items\""))
                            .isEqualTo(1.0);
                    assertThat(value(metrics, "pgcdc_replicator_events_total", "op=\"delete\",table=\"public.items\""))
                            .isEqualTo(1.0);
                    assertThat(value(metrics, "pgcdc_replicator_lag_bytes", null)).as("the lag probe ran")
                            .isGreaterThanOrEqualTo(0.0);
                });
                String metrics = get(scenario, "/metrics").body();
                assertThat(value(metrics, "pgcdc_replicator_events_total", "op=\"read\",table=\"public.items\""))
                        .as("snapshot rows").isEqualTo(250.0);
                assertThat(value(metrics, "pgcdc_replicator_snapshot_rows", "table=\"public.items\"")).isEqualTo(250.0);
                assertThat(value(metrics, "pgcdc_replicator_snapshot_finished", "table=\"public.items\"")).isEqualTo(1.0);
                assertThat(value(metrics, "pgcdc_replicator_transactions_total", null)).isGreaterThanOrEqualTo(3.0);
                assertThat(value(metrics, "pgcdc_replicator_kafka_send_seconds_count", null)).isGreaterThanOrEqualTo(255.0);
                assertThat(value(metrics, "pgcdc_replicator_confirmed_lsn", null)).isGreaterThan(0.0);
                assertThat(metrics).contains("jvm_memory_used_bytes{", "pgcdc_build_info{daemon=\"cdc-replicator\"");
                assertThat(get(scenario, "/health").body()).contains("\"status\" : \"READY\"", "streaming from slot "
                        + scenario.slot);

                // status while the replicator runs in another process: the position store is read without its lock.
                String running = status(config, false);
                assertThat(running).contains("slot                 " + scenario.slot + ", active (pid",
                        "pg_current_wal_lsn", "retained WAL", "stored position", "snapshot             complete");
                JsonNode json = ChangeEventCodec.MAPPER.readTree(status(config, true));
                assertThat(json.path("slot").path("active").asBoolean()).isTrue();
                assertThat(json.path("slot").path("retained_wal_bytes").asLong()).isGreaterThanOrEqualTo(0);
                assertThat(json.path("stored_position").path("slot").asText()).isEqualTo(scenario.slot);
                assertThat(json.path("snapshot").path("tables").get(0).path("rows").asLong()).isEqualTo(250);

                ByteArrayOutputStream refused = new ByteArrayOutputStream();
                assertThat(OperationsAccess.dropSlot(scenario.config(), true, new PrintStream(refused, true,
                        StandardCharsets.UTF_8))).as("drop-slot refuses while streaming").isEqualTo(1);
                assertThat(refused.toString(StandardCharsets.UTF_8)).contains("stop the replicator first");

                assertThat(process.terminate(15_000)).as("exit code after SIGTERM").isZero();
            }
            JsonNode stopped = ChangeEventCodec.MAPPER.readTree(status(config, true));
            assertThat(stopped.path("slot").path("active").asBoolean()).isFalse();
            assertThat(stopped.path("stored_position").path("lsn").asText())
                    .as("after a clean stop the stored position is what the slot confirmed")
                    .isEqualTo(stopped.path("slot").path("confirmed_flush_lsn").asText());

            ByteArrayOutputStream dry = new ByteArrayOutputStream();
            assertThat(OperationsAccess.dropSlot(scenario.config(), false, new PrintStream(dry, true,
                    StandardCharsets.UTF_8))).as("without --yes-i-am-sure nothing happens").isEqualTo(2);
            assertThat(dry.toString(StandardCharsets.UTF_8)).contains("--yes-i-am-sure");
            assertThat(status(config, true)).contains("\"exists\" : true");
            ByteArrayOutputStream dropped = new ByteArrayOutputStream();
            assertThat(OperationsAccess.dropSlot(scenario.config(), true, new PrintStream(dropped, true,
                    StandardCharsets.UTF_8))).isZero();
            assertThat(dropped.toString(StandardCharsets.UTF_8)).contains("dropped replication slot " + scenario.slot,
                    "cleared the stored position");
            assertThat(status(config, true)).contains("\"exists\" : false");
            assertThat(PositionStore.peek(scenario.directory.resolve("position")).position()).isEmpty();
        }
    }

    @Test
    void shouldPassEveryCheckWhenPostgresAndKafkaAreReady() throws Exception {
        try (Scenario scenario = new Scenario("ops_check")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)");
            String report = check(scenario.writeConfig());
            assertThat(report).contains("ok    config:", "ok    postgres connection:", "ok    wal_level: logical",
                    "ok    replication privilege:", "ok    table public.items: exists, readable, rows identified by primary key",
                    "ok    slot: " + scenario.slot + " does not exist yet", "ok    position store:",
                    "ok    kafka connection:", "checks passed");
        }
    }

    @Test
    void shouldFailTheChecksWithTheFixForAMissingKeyAMissingTableAndAMissingPrivilege() throws Exception {
        try (Scenario scenario = new Scenario("ops_check_fail").tables("[public.items, public.nokey, public.absent]")) {
            String role = "ops_user_" + ProcessHandle.current().pid();
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)", "CREATE TABLE nokey (a int, b text)",
                    "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD 'ops-secret'",
                    "GRANT SELECT ON items, nokey TO " + role);
            Path config = scenario.directory.resolve("least.yaml");
            Files.writeString(config, scenario.yaml()
                    .replace("  user: " + scenario.postgres.superuser() + "\n", "  user: " + role + "\n")
                    .replace("  password: " + scenario.postgres.password() + "\n", "  password: ops-secret\n"));
            String report = check(config);
            assertThat(report)
                    .contains("FAIL  replication privilege: role '" + role + "' lacks the REPLICATION attribute -> fix: run"
                            + " ALTER ROLE \"" + role + "\" WITH REPLICATION;")
                    .contains("FAIL  table public.nokey: table public.nokey has neither a primary key nor REPLICA IDENTITY"
                            + " FULL, so updates and deletes cannot be captured -> fix: run ALTER TABLE")
                    .contains("FAIL  table public.absent: table public.absent does not exist in database")
                    .contains("ok    table public.items:")
                    .contains("checks did not pass")
                    .doesNotContain("ops-secret");
            Path wrong = scenario.directory.resolve("wrong.yaml");
            Files.writeString(wrong, Files.readString(config).replace("password: ops-secret", "password: not-it"));
            assertThat(check(wrong)).contains("FAIL  postgres connection:", "rejected the login (SQLSTATE 28P01)",
                    "-> fix: check postgres.user and postgres.password").doesNotContain("not-it");
            scenario.sql("DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    private static String check(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = OperationsAccess.check(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code of check; report:\n" + report).isEqualTo(report.contains("FAIL") ? 1 : 0);
        return report;
    }

    private static String status(Path config, boolean json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OperationsAccess.status(config, json, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(Scenario scenario, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scenario.metricsPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample; the sum over all label sets when {@code labels} is null. */
    static double value(String scrape, String name, String labels) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        double sum = 0;
        while (matcher.find()) {
            if (labels == null || labels.equals(matcher.group(2))) {
                sum += Double.parseDouble(matcher.group(3));
            }
        }
        return sum;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
