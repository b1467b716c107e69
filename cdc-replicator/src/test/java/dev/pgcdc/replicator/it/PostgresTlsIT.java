package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.devstack.PostgresServer;
import dev.pgcdc.devstack.TestCertificateAuthority;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator against a PostgreSQL that accepts TCP connections only over TLS, with a server certificate
 * from a CA made for the test: every connection (regular, snapshot and replication) verifies it with
 * {@code sslmode=verify-full}, and a CA that did not sign it stops the replicator at once.
 */
@Timeout(120)
class PostgresTlsIT {

    private static TestCertificateAuthority ca;
    private static TestCertificateAuthority otherCa;
    private static PostgresServer postgres;

    @BeforeAll
    static void startTlsServer() {
        ca = TestCertificateAuthority.create("pgcdc test CA");
        otherCa = TestCertificateAuthority.create("some other CA");
        postgres = PostgresServer.builder().tls(ca.issueServerCertificate()).start();
    }

    @AfterAll
    static void stopTlsServer() {
        if (postgres != null) {
            postgres.close();
        }
        if (ca != null) {
            ca.close();
        }
        if (otherCa != null) {
            otherCa.close();
        }
    }

    private static String tls(Path rootCertificate) {
        return "  properties: {sslmode: verify-full, sslrootcert: '" + rootCertificate + "'}\n";
    }

    @Test
    void shouldSnapshotAndStreamWhenEveryConnectionVerifiesTheServerCertificate() throws Exception {
        try (Scenario scenario = new Scenario("tls", postgres).host("localhost").postgresSettings(tls(ca.certificate()))) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text)",
                    "INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 3) g");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (4, 'streamed')", "UPDATE items SET name = 'changed' WHERE id = 1");

            List<ChangeEvent> events = scenario.events(5, Duration.ofSeconds(30));
            assertThat(events).extracting(e -> e.op().code() + " " + e.key())
                    .containsExactlyInAnyOrder("r {\"id\":1}", "r {\"id\":2}", "r {\"id\":3}", "c {\"id\":4}",
                            "u {\"id\":1}");
            // Partitions interleave in the consumer: find the update rather than take the last record.
            ChangeEvent update = events.stream().filter(e -> e.op().code().equals("u")).findFirst().orElseThrow();
            assertThat(Scenario.json(update.after())).isEqualTo("{\"id\":1,\"name\":\"changed\"}");
            assertThat(sslByApplication(scenario)).as("TLS of the replicator's sessions (pg_stat_ssl)")
                    .containsEntry("pgcdc-replicator", true)
                    .containsEntry("pgcdc-replicator-stream", true)
                    .doesNotContainValue(false);
            assertThat(scenario.stop()).as("exit code after a requested stop").isZero();
        }
    }

    @Test
    void shouldStopAtOnceWithAClearErrorWhenTheServerCertificateIsFromAnotherCa(@TempDir Path dir) throws Exception {
        try (Scenario scenario = new Scenario("tlswrong", postgres).host("127.0.0.1")
                .postgresSettings(tls(otherCa.certificate()))) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY)");
            try (ReplicatorProcess process = ReplicatorProcess.start(scenario.writeConfig(), "256m",
                    dir.resolve("replicator.log"))) {
                int code = process.awaitExit(30_000);
                String output = process.output();
                assertThat(code).as("exit code (-1: still running after 30 s, i.e. retrying); output:\n" + output)
                        .isEqualTo(1);
                assertThat(output).contains("the TLS handshake failed")
                        .contains("set postgres.properties.sslrootcert to the PEM file of the CA that signed the server's"
                                + " certificate")
                        .doesNotContain("reconnecting in");
            }
        }
    }

    /** application_name -> ssl of the replicator's sessions now connected. */
    private static Map<String, Boolean> sslByApplication(Scenario scenario) throws Exception {
        Map<String, Boolean> result = new TreeMap<>();
        try (Connection connection = scenario.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT a.application_name, s.ssl FROM pg_stat_activity a"
                        + " JOIN pg_stat_ssl s USING (pid) WHERE a.application_name LIKE 'pgcdc-%'")) {
            while (rs.next()) {
                result.merge(rs.getString(1), rs.getBoolean(2), Boolean::logicalAnd);
            }
        }
        return result;
    }
}
