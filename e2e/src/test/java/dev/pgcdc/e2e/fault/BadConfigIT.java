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
    /** Valid base64, as an API key is. */
    static final String API_KEY_SENTINEL = "SENTINELapikey5d0c9e";
    static final String KAFKA_SENTINEL = "SENTINEL-kafka-3f8e27";
    static final List<String> SENTINELS = List.of(PG_SENTINEL, ES_SENTINEL, API_KEY_SENTINEL, KAFKA_SENTINEL);

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

    /**
     * {@code check} and {@code status} of both jars, with every secret a sentinel: PostgreSQL's password, a
     * SASL JAAS password in kafka.properties, Elasticsearch's password or API key. Once with credentials that
     * work (the PostgreSQL role's password is the sentinel; the shared Kafka and Elasticsearch do not check
     * theirs, but the clients still carry them), once with each of them failing (a wrong password,
     * SASL_PLAINTEXT against a plaintext broker, an unreachable Elasticsearch).
     */
    @Test
    void shouldKeepEverySecretOutOfCheckAndStatusWhetherCredentialsWorkOrFail(PostgresEndpoint postgres,
            KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch) throws Exception {
        Path dir = Pipeline.runDirectory("secrets");
        String database = postgres.createFreshDatabase("secrets");
        String role = "sentinel_" + database.toLowerCase();
        postgres.execute(database, "CREATE TABLE keyed (id int PRIMARY KEY)",
                "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD '" + PG_SENTINEL + "'",
                "GRANT SELECT ON keyed TO " + role,
                "CREATE PUBLICATION p_" + database.toLowerCase() + " FOR TABLE keyed");
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"pgcdc\" password=\""
                + KAFKA_SENTINEL + "\";";
        String working = secretsConfig(dir, "working", postgres, database, role, PG_SENTINEL, kafka, "PLAINTEXT", jaas,
                elasticsearch.url(), "  username: elastic\n  password: " + ES_SENTINEL + "\n");
        String failing = secretsConfig(dir, "failing", postgres, database, role, PG_SENTINEL + "-wrong", kafka,
                "SASL_PLAINTEXT", jaas, "http://127.0.0.1:1", "  api_key: " + API_KEY_SENTINEL + "\n");
        SoftAssertions soft = new SoftAssertions();
        for (String name : List.of(working, failing)) {
            Path config = dir.resolve(name + ".yaml");
            for (DaemonProcess.Kind kind : DaemonProcess.Kind.values()) {
                for (String subcommand : List.of("check", "status")) {
                    String run = name + " " + kind.module + " " + subcommand;
                    Path log = dir.resolve(name + "_" + kind.module + "_" + subcommand + ".log");
                    DaemonProcess process = DaemonProcess.command(kind, subcommand, config, log,
                            kind == DaemonProcess.Kind.REPLICATOR && subcommand.equals("status")
                                    ? new String[0] : new String[] {"--timeout", "5"});
                    int code = process.awaitExit(60_000);
                    process.close();
                    String output = process.output();
                    System.out.printf("--- %s: exit %d%n%s%n", run, code, tail(output));
                    soft.assertThat(code).as("%s: exit code (-1: still running after 60 s); log %s", run, log)
                            .isNotEqualTo(-1);
                    if (name.equals("failing") && subcommand.equals("check")) {
                        soft.assertThat(code).as("%s: exit code", run).isEqualTo(1);
                    }
                    for (String sentinel : SENTINELS) {
                        soft.assertThat(output).as("%s: output must not contain a secret", run).doesNotContain(sentinel);
                    }
                }
            }
            Path sqlite = dir.resolve(name + ".db");
            if (Files.exists(sqlite)) {
                String bytes = new String(Files.readAllBytes(sqlite), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String sentinel : SENTINELS) {
                    soft.assertThat(bytes).as("%s: the SQLite log must not contain a secret", name).doesNotContain(sentinel);
                }
            }
        }
        String workingCheck = Files.readString(dir.resolve("working_cdc-replicator_check.log"));
        soft.assertThat(workingCheck).as("replicator check with working credentials").contains("ok    postgres");
        String failingCheck = Files.readString(dir.resolve("failing_cdc-replicator_check.log"));
        soft.assertThat(failingCheck).as("replicator check with a wrong password").contains("28P01");
        String failingSinkCheck = Files.readString(dir.resolve("failing_es-sink_check.log"));
        soft.assertThat(failingSinkCheck).as("sink check with failing credentials").contains("FAIL  kafka")
                .contains("FAIL  elasticsearch connection");
        soft.assertAll();
    }

    /** Writes {@code name}.yaml with the given secrets; returns {@code name}. */
    private static String secretsConfig(Path dir, String name, PostgresEndpoint postgres, String database, String role,
            String password, KafkaEndpoint kafka, String protocol, String jaas, String esUrl, String esAuth)
            throws Exception {
        Files.writeString(dir.resolve(name + ".yaml"), "postgres:\n  host: " + postgres.host() + "\n  port: "
                + postgres.port() + "\n  dbname: " + database + "\n  user: " + role + "\n  password: '" + password
                + "'\n  slot_name: s_" + database.toLowerCase() + "\n  publication_name: p_" + database.toLowerCase()
                + "\n  tables: [public.keyed]\n  connect_timeout: 2s\n"
                + "kafka:\n  brokers: [" + kafka.bootstrapServers() + "]\n  topic: secrets_" + name + "\n"
                + "  properties:\n    security.protocol: " + protocol + "\n    sasl.mechanism: PLAIN\n"
                + "    sasl.jaas.config: '" + jaas + "'\n"
                + "elasticsearch:\n  addresses: [" + esUrl + "]\n" + esAuth
                + "replicator:\n  position_path: " + dir.resolve(name + "-position") + "\n"
                + "logging:\n  sqlite_path: " + dir.resolve(name + ".db") + "\n"
                + "metrics:\n  replicator_port: 0\n  sink_port: 0\n");
        return name;
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
