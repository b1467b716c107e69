package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL -> replicator (its shaded jar) -> Kafka -> sink -> Elasticsearch, with pgbench as the workload. */
@ExtendWith(EnginesExtension.class)
@Timeout(420)
class PipelineIT {

    private static final Logger log = LoggerFactory.getLogger(PipelineIT.class);
    private static final Path REPLICATOR_JAR = Path.of("..", "cdc-replicator", "target", "cdc-replicator.jar");

    @Test
    void shouldMirrorPgbenchAccountsExactly(PostgresServer postgres, KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch,
                                            @TempDir Path dir) throws Exception {
        assertThat(REPLICATOR_JAR).as("the replicator's shaded jar").exists();
        String database = postgres.createFreshDatabase("pgbench");
        pgbench(postgres, dir, database, "-i", "-s", "1", "-q");
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            String yaml = "postgres:\n"
                    + "  host: " + postgres.host() + "\n"
                    + "  port: " + postgres.port() + "\n"
                    + "  user: " + postgres.superuser() + "\n"
                    + "  password: " + postgres.password() + "\n"
                    + "  dbname: " + database + "\n"
                    + "  slot_name: slot_" + database.toLowerCase() + "\n"
                    + "  publication_name: pub_" + database.toLowerCase() + "\n"
                    + "  tables: [public.pgbench_accounts, public.pgbench_branches, public.pgbench_tellers]\n"
                    + "replicator:\n"
                    + "  position_path: " + dir.resolve("position") + "\n"
                    + "logging:\n"
                    + "  sqlite_enabled: false\n"
                    + h.yaml(h.group, "").replace("  topic: " + h.topic, "  topic: " + h.topic + "\n  topic_partitions: 3");
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, yaml);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process replicator = new ProcessBuilder(java, "-Xmx512m", "-jar", REPLICATOR_JAR.toAbsolutePath().toString(),
                    "--config", config.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("replicator.log").toFile()).start();
            try (SinkHarness.Running sink = h.new Running(dev.pgcdc.common.config.ConfigLoader.parse(
                    yaml, "test", dev.pgcdc.common.config.Daemon.SINK, System::getenv))) {
                long started = System.nanoTime();
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> h.count(h.mirror("pgbench_accounts")) == 100_000);
                log.info("snapshot of 100000 accounts mirrored in {} ms",
                        (System.nanoTime() - started) / 1_000_000);
                pgbench(postgres, dir, database, "-n", "-c", "2", "-T", "15");
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(documents(h)).as("pgbench_accounts documents vs rows").isEqualTo(rows(postgres, database)));
            } finally {
                replicator.destroy();
                if (!replicator.waitFor(15, TimeUnit.SECONDS)) {
                    replicator.destroyForcibly();
                }
            }
        }
    }

    private static void pgbench(PostgresServer postgres, Path dir, String database, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(postgres.binDir().resolve("pgbench").toString(),
                "-h", postgres.host(), "-p", Integer.toString(postgres.port()), "-U", postgres.superuser()));
        command.addAll(List.of(args));
        command.add(database);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pgbench.log").toFile()));
        builder.environment().put("PGPASSWORD", postgres.password());
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("pgbench " + String.join(" ", args) + "; see " + dir.resolve("pgbench.log"))
                .isZero();
    }

    private static Map<Integer, String> rows(PostgresServer postgres, String database) throws Exception {
        Map<Integer, String> rows = new HashMap<>();
        try (Connection connection = postgres.connect(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT aid, bid, abalance, filler FROM pgbench_accounts")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2) + "|" + rs.getInt(3) + "|" + rs.getString(4));
            }
        }
        return rows;
    }

    private static Map<Integer, String> documents(SinkHarness h) throws Exception {
        Map<Integer, String> documents = new HashMap<>();
        String index = h.mirror("pgbench_accounts");
        h.client().indices().refresh(r -> r.index(index));
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> searchAfter = after;
            var hits = h.client().search(s -> {
                s.index(index).size(10_000).sort(o -> o.field(f -> f.field("aid").order(SortOrder.Asc)));
                if (searchAfter != null) {
                    s.searchAfter(searchAfter);
                }
                return s;
            }, ObjectNode.class).hits().hits();
            if (hits.isEmpty()) {
                return documents;
            }
            for (Hit<ObjectNode> hit : hits) {
                ObjectNode doc = hit.source();
                int aid = doc.get("aid").asInt();
                assertThat(hit.id()).isEqualTo(Integer.toString(aid));
                documents.put(aid, doc.get("bid").asInt() + "|" + doc.get("abalance").asInt() + "|"
                        + (doc.get("filler").isNull() ? null : doc.get("filler").asText()));
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }
}
