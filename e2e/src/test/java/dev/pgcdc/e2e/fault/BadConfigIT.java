package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.devstack.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad configuration and bad environments: each makes the daemon exit non-zero with a message that names
 * the problem, and never prints a password. Passwords here are sentinels that must not appear in any
 * output or in the SQLite log.
 */
@ExtendWith(EnginesExtension.class)
@Timeout(400)
class BadConfigIT {

    static final String PG_SENTINEL = "SENTINEL-pg-9c1d2e";
    static final String ES_SENTINEL = "SENTINEL-es-7b3a41";

    record Case(String name, String postgres, String replicator, String expected) {
    }

    @Test
    void shouldExitNonZeroWithAClearMessageAndNoSecretForEachBadSetup(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                     ElasticsearchEndpoint elasticsearch) throws Exception {
        Path dir = Pipeline.runDirectory("badconfig");
        String database = postgres.createFreshDatabase("badcfg");
        postgres.execute(database, "CREATE TABLE keyed (id int PRIMARY KEY, v text)",
                "CREATE TABLE nokey (a int, b text)",
                "CREATE ROLE norepl LOGIN PASSWORD '" + PG_SENTINEL + "'",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO norepl");
        String base = "  host: " + postgres.host() + "\n  port: " + postgres.port() + "\n  dbname: " + database + "\n"
                + "  slot_name: s_" + database.toLowerCase() + "\n  publication_name: p_" + database.toLowerCase() + "\n"
                + "  connect_timeout: 2s\n";
        String superuser = "  user: " + postgres.superuser() + "\n  password: " + postgres.password() + "\n";
        List<Case> cases = List.of(
                new Case("unreachable host", "  host: 127.0.0.1\n  port: 1\n  dbname: x\n  slot_name: s\n"
                        + "  publication_name: p\n  connect_timeout: 2s\n  user: u\n  password: " + PG_SENTINEL + "\n"
                        + "  tables: [public.keyed]\n", "", "giving up after 2 reconnection attempts: PostgreSQL: Connection to 127.0.0.1:1 refused"),
                new Case("wrong password", base + "  user: " + postgres.superuser() + "\n  password: " + PG_SENTINEL + "\n"
                        + "  tables: [public.keyed]\n", "", "PostgreSQL rejected the login (SQLSTATE 28P01)"),
                new Case("role without REPLICATION", base + "  user: norepl\n  password: " + PG_SENTINEL + "\n"
                        + "  tables: [public.keyed]\n", "", "role 'norepl' lacks the REPLICATION attribute"),
                new Case("missing table", base + superuser + "  tables: [public.missing_table]\n", "", "table public.missing_table does not exist in database"),
                new Case("table without key", base + superuser + "  tables: [public.nokey]\n", "", "table public.nokey has neither a primary key nor REPLICA IDENTITY FULL"),
                new Case("malformed: port and slot name", base.replace("  port: " + postgres.port(), "  port: 99999")
                        .replace("slot_name: s_", "slot_name: Bad-Slot-") + superuser + "  tables: [public.keyed]\n", "",
                        "postgres.port (line 3): must be between 1 and 65535, got 99999"));
        SoftAssertions soft = new SoftAssertions();
        for (Case c : cases) {
            check(soft, dir, c, kafka, elasticsearch);
        }
        try (PostgresServer replica = PostgresServer.builder().setting("wal_level", "replica").start()) {
            String db = replica.createFreshDatabase("walreplica");
            replica.execute(db, "CREATE TABLE keyed (id int PRIMARY KEY)");
            check(soft, dir, new Case("wal_level=replica", "  host: " + replica.host() + "\n  port: " + replica.port()
                    + "\n  dbname: " + db + "\n  slot_name: s1\n  publication_name: p1\n  user: " + replica.superuser()
                    + "\n  password: " + replica.password() + "\n  tables: [public.keyed]\n", "", "wal_level is 'replica', logical decoding needs 'logical'"),
                    kafka, elasticsearch);
        }
        checkSinkWithUnreachableElasticsearch(soft, dir, kafka);
        soft.assertAll();
    }

    /** The sink waits for an unreachable Elasticsearch (by design: it retries forever), saying so, without secrets. */
    private static void checkSinkWithUnreachableElasticsearch(SoftAssertions soft, Path dir, KafkaEndpoint kafka)
            throws Exception {
        Path config = dir.resolve("sink_unreachable_es.yaml");
        Path sqlite = dir.resolve("sink_unreachable_es.db");
        Files.writeString(config, "kafka:\n  brokers: [" + kafka.bootstrapServers() + "]\n  topic: badcfg_sink\n"
                + "elasticsearch:\n  addresses: [http://127.0.0.1:1]\n  username: elastic\n  password: " + ES_SENTINEL
                + "\nlogging:\n  sqlite_path: " + sqlite + "\n");
        DaemonProcess sink = DaemonProcess.start(DaemonProcess.Kind.SINK, config, dir.resolve("sink_unreachable_es.log"));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!sink.output().contains("Elasticsearch is not reachable") && sink.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        int code = sink.terminate(15_000);
        String output = sink.output();
        System.out.printf("--- sink, unreachable Elasticsearch: exit %d after SIGTERM%n%s%n", code, tail(output));
        soft.assertThat(output).as("sink: the message").contains("Elasticsearch is not reachable (connecting to"
                + " Elasticsearch at [http://127.0.0.1:1] failed");
        soft.assertThat(output).as("sink: console output must not contain a password").doesNotContain(ES_SENTINEL);
        if (Files.exists(sqlite)) {
            soft.assertThat(new String(Files.readAllBytes(sqlite), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("sink: the SQLite log must not contain a password").doesNotContain(ES_SENTINEL);
        }
    }

    private static void check(SoftAssertions soft, Path dir, Case c, KafkaEndpoint kafka, ElasticsearchEndpoint es)
            throws Exception {
        String name = c.name().replaceAll("[^a-z0-9]+", "_");
        Path config = dir.resolve(name + ".yaml");
        Path sqlite = dir.resolve(name + ".db");
        Files.writeString(config, "postgres:\n" + c.postgres()
                + "kafka:\n  brokers: [" + kafka.bootstrapServers() + "]\n  topic: badcfg_" + name + "\n"
                + "elasticsearch:\n  addresses: [" + es.url() + "]\n  username: elastic\n  password: " + ES_SENTINEL + "\n"
                + "replicator:\n  position_path: " + dir.resolve(name + "-position") + "\n  reconnect_max_attempts: 2\n"
                + "  reconnect_initial_backoff: 200ms\n  reconnect_max_backoff: 500ms\n" + c.replicator()
                + "logging:\n  sqlite_path: " + sqlite + "\n");
        DaemonProcess replicator = DaemonProcess.start(DaemonProcess.Kind.REPLICATOR, config, dir.resolve(name + ".log"));
        int code = replicator.awaitExit(60_000);
        replicator.close();
        String output = replicator.output();
        System.out.printf("--- %s: exit %d%n%s%n", c.name(), code, tail(output));
        soft.assertThat(code).as("%s: exit code (-1: still running after 60 s); log %s", c.name(), replicator.log)
                .isNotIn(0, -1);
        soft.assertThat(output).as("%s: the message", c.name()).contains(c.expected());
        soft.assertThat(output).as("%s: console output must not contain a password", c.name())
                .doesNotContain(PG_SENTINEL).doesNotContain(ES_SENTINEL);
        if (Files.exists(sqlite)) {
            String bytes = new String(Files.readAllBytes(sqlite), java.nio.charset.StandardCharsets.ISO_8859_1);
            soft.assertThat(bytes).as("%s: the SQLite log must not contain a password", c.name())
                    .doesNotContain(PG_SENTINEL).doesNotContain(ES_SENTINEL);
        }
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 6), lines.length));
    }
}
