package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.Reader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DevStackMainIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void writesWorkingEndpointsAndStopsEverythingOnSigterm() throws Exception {
        Path output = dir.resolve("devstack.log");
        Path envFile = dir.resolve(DevStackMain.ENV_FILE);
        Process devstack = ChildJvm.start(DevStackMain.class, output, "--dir", dir.toString());
        Properties env = new Properties();
        try {
            await("engines.env is written").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Files.exists(envFile) || !devstack.isAlive());
            assertThat(envFile).as("env file; devstack output:\n%s", ChildJvm.output(output)).exists();
            try (Reader reader = Files.newBufferedReader(envFile)) {
                env.load(reader);
            }

            try (Connection connection = DriverManager.getConnection(env.getProperty("PG_JDBC_URL"),
                    env.getProperty("PG_USER"), env.getProperty("PG_PASSWORD"));
                    ResultSet result = connection.createStatement().executeQuery("SHOW wal_level")) {
                result.next();
                assertThat(result.getString(1)).isEqualTo("logical");
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    env.getProperty("KAFKA_BOOTSTRAP")))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(env.getProperty("ES_URL") + "/_cluster/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(env.getProperty("ES_VERSION")).isNotBlank();
            assertThat(Path.of(env.getProperty("PG_BIN")).resolve("pg_recvlogical")).isExecutable();
        } finally {
            devstack.destroy(); // SIGTERM
        }

        assertThat(devstack.waitFor(60, TimeUnit.SECONDS)).as("devstack exits after SIGTERM").isTrue();
        assertThat(envFile).as("env file after shutdown").doesNotExist();
        assertRefused(Integer.parseInt(env.getProperty("PG_PORT")));
        assertRefused(Integer.parseInt(env.getProperty("KAFKA_BOOTSTRAP").split(":")[1]));
        assertRefused(URI.create(env.getProperty("ES_URL")).getPort());
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }).as("connecting to port %d after shutdown", port).isInstanceOf(ConnectException.class);
    }
}
