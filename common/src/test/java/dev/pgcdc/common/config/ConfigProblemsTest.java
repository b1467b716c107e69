package dev.pgcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigProblemsTest {

    static final String VALID = """
            postgres:
              host: localhost
              port: 5432
              user: cdc_user
              password: secret
              dbname: mydb
              slot_name: my_slot
              publication_name: my_publication
              tables:
                - public.users
            kafka:
              brokers:
                - localhost:9092
              topic: cdc-events
              groupID: cdc-es-consumer
            elasticsearch:
              addresses:
                - http://localhost:9200
              username: elastic
              password: espw
              indexPrefix: cdc_
            logging:
              level: info
            """;

    @TempDir
    Path dir;

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("missing required key", with("  user: cdc_user\n", ""),
                        "postgres.user: required key is missing (in the mapping starting at line 2); set the role"),
                bad("missing required section", with("kafka:", "kafka_off:"),
                        "kafka: required section is missing; see config.yaml"),
                bad("port that is not a number", with("port: 5432", "port: abc"),
                        "postgres.port (line 3): expected a whole number between 1 and 65535, got 'abc'"),
                bad("port out of range", with("port: 5432", "port: 70000"),
                        "postgres.port (line 3): must be between 1 and 65535, got 70000"),
                bad("port that is a list", with("port: 5432", "port: [1, 2]"),
                        "postgres.port (line 3): expected a single value, not a list or a mapping"),
                bad("misspelt key", with("  host: localhost", "  hots: localhost"),
                        "postgres.hots (line 2): unknown key; did you mean 'host'?"),
                bad("key in the wrong case", with("indexPrefix: cdc_", "indexprefix: cdc_"),
                        "elasticsearch.indexprefix (line 21): unknown key; did you mean 'indexPrefix'?"),
                bad("misspelt section", with("logging:", "loging:"), "loging (line 22): unknown key; did you mean 'logging'?"),
                bad("malformed YAML", with("  user: cdc_user", "  user: [cdc_user"),
                        "config.yaml: malformed YAML at line 5, column 11: expected ',' or ']'"),
                bad("misindented line", with("  dbname: mydb", "   dbname: mydb"), "malformed YAML at line 6, column 10: mapping values are not allowed here"),
                bad("tab indentation", with("  dbname: mydb", "\tdbname: mydb"),
                        "malformed YAML at line 6, column 1: found character '\\t(TAB)' that cannot start any token"),
                bad("duplicate key", with("  port: 5432\n", "  port: 5432\n  host: other\n"),
                        "postgres (line 4): duplicate key 'host' (first at line 2); keep one of them"),
                bad("duplicate section", VALID + "logging:\n  level: warn\n",
                        "configuration (line 24): duplicate key 'logging' (first at line 22); keep one of them"),
                bad("empty file", "", "config.yaml: the file must be a YAML mapping"),
                bad("comments only", "# nothing yet\n", "(it is empty)"),
                bad("a list instead of a mapping", "- postgres\n", "the file must be a YAML mapping with sections"),
                bad("section that is a scalar", with("logging:\n  level: info\n", "logging: info\n"),
                        "logging (line 22): expected a mapping of keys"),
                bad("invalid slot name", with("slot_name: my_slot", "slot_name: My-Slot"),
                        "postgres.slot_name (line 7): 'My-Slot' is not a valid replication slot name"),
                bad("slot name too long", with("slot_name: my_slot", "slot_name: " + "s".repeat(64)),
                        "is not a valid replication slot name: use 1 to 63"),
                bad("invalid publication name", with("publication_name: my_publication", "publication_name: 1pub"),
                        "postgres.publication_name (line 8): '1pub' is not a plain identifier"),
                bad("no tables", with("  tables:\n    - public.users\n", "  tables: []\n"),
                        "postgres.tables (line 9): must list at least one table"),
                bad("table listed twice", with("    - public.users\n", "    - public.users\n    - users\n"),
                        "postgres.tables (line 10): lists the same table twice"),
                bad("broker without port", with("- localhost:9092", "- localhost"),
                        "kafka.brokers (line 13): 'localhost' is not host:port"),
                bad("broker port out of range", with("- localhost:9092", "- localhost:99999"),
                        "'localhost:99999' is not host:port with a port up to 65535"),
                bad("topic name with a space", with("topic: cdc-events", "topic: \"cdc events\""),
                        "kafka.topic (line 14): 'cdc events' is not a valid Kafka topic name"),
                bad("Elasticsearch address without scheme", with("- http://localhost:9200", "- localhost:9200"),
                        "elasticsearch.addresses (line 18): 'localhost:9200' is not an http:// or https:// URL"),
                bad("index prefix in upper case", with("indexPrefix: cdc_", "indexPrefix: CDC_"),
                        "elasticsearch.indexPrefix (line 21): 'CDC_' cannot start an Elasticsearch index name"),
                bad("user name without password", with("  password: espw\n", ""),
                        "elasticsearch.username (line 19): is set but elasticsearch.password is not"),
                bad("unset environment variable", with("host: localhost", "host: ${PG_HOST_UNSET}"),
                        "postgres.host (line 2): environment variable PG_HOST_UNSET is not set; export it or write"
                                + " ${PG_HOST_UNSET:-default}"),
                bad("unknown log level", with("level: info", "level: loud"),
                        "logging.level (line 23): expected one of trace, debug, info, warn, error, off, got 'loud'"),
                bad("retention that is no duration", with("level: info", "retention: a week"),
                        "logging.retention (line 23): expected a duration such as 500ms, 10s, 5m, 2h or 7d, got 'a week'"),
                bad("retention too long to count", with("level: info", "retention: 99999999999999999999d"),
                        "logging.retention (line 23): '99999999999999999999d' is too long a duration"),
                bad("zero retention", with("level: info", "retention: 0s"), "logging.retention (line 23): must be above zero"),
                bad("boolean that is not", with("level: info", "sqlite_enabled: maybe"),
                        "logging.sqlite_enabled (line 23): expected true or false, got 'maybe'"),
                bad("size too large to count", VALID + "sink:\n  bulk_max_bytes: 99999999999gb\n",
                        "sink.bulk_max_bytes (line 25): '99999999999gb' is too large a size"),
                bad("no bulk request in flight", VALID + "sink:\n  max_in_flight_requests: 0\n",
                        "sink.max_in_flight_requests (line 25): must be between 1 and 16, got 0"),
                bad("linger longer than flush_interval", VALID + "sink:\n  flush_interval: 100ms\n  linger: 1s\n",
                        "sink.linger (line 26): is 1000 ms, longer than flush_interval (100 ms), which sends a partial"
                                + " batch in any case; set linger to at most flush_interval"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void reportsTheKeyAndTheFix(String description, String yaml, String expectedFragment) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "config.yaml", Daemon.REPLICATOR, Map.<String, String>of()::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid configuration")
                .hasMessageContaining(expectedFragment);
    }

    @Test
    void acceptsTheValidTemplateTheBadCasesAreMadeFrom() {
        PgcdcConfig config = ConfigLoader.parse(VALID, "config.yaml", Daemon.REPLICATOR, name -> null);

        assertThat(config.elasticsearch().password().reveal()).isEqualTo("espw");
    }

    @Test
    void lingersAsLongAsFlushIntervalUnlessToldOtherwise() {
        SinkConfig defaults = ConfigLoader.parse(VALID, "config.yaml", Daemon.SINK, name -> null).sink();
        SinkConfig shortFlush = ConfigLoader.parse(VALID + "sink:\n  flush_interval: 20ms\n", "config.yaml", Daemon.SINK,
                name -> null).sink();
        SinkConfig both = ConfigLoader.parse(VALID + "sink:\n  flush_interval: 1s\n  linger: 0ms\n", "config.yaml",
                Daemon.SINK, name -> null).sink();

        assertThat(defaults.linger()).isEqualTo(java.time.Duration.ofMillis(200));
        assertThat(defaults.flushInterval()).isEqualTo(java.time.Duration.ofMillis(200));
        assertThat(SinkConfig.defaults().linger()).isEqualTo(defaults.linger());
        assertThat(shortFlush.linger()).isEqualTo(java.time.Duration.ofMillis(20));
        assertThat(both.linger()).isZero();
        assertThat(both.flushInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml = VALID.replace("port: 5432", "port: abc").replace("slot_name: my_slot", "slot_name: My-Slot")
                .replace("- localhost:9092", "- localhost").replace("level: info", "level: loud");

        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "config.yaml", Daemon.REPLICATOR, name -> null))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(4);
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("postgres.port (line 3)"))
                            .anySatisfy(p -> assertThat(p).startsWith("postgres.slot_name (line 7)"))
                            .anySatisfy(p -> assertThat(p).startsWith("kafka.brokers (line 13)"))
                            .anySatisfy(p -> assertThat(p).startsWith("logging.level (line 23)"));
                    assertThat(e.getMessage()).startsWith("invalid configuration (4 problems):\n  - ");
                });
    }

    @Test
    void reportsAValueOfTheWrongTypeOnce() {
        String yaml = VALID.replace("host: localhost", "host: [a, b]");

        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "config.yaml", Daemon.REPLICATOR, name -> null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "postgres.host (line 2): expected a single value, not a list or a mapping"));
    }

    @Test
    void checksSectionsADaemonDoesNotNeedWhenTheyArePresent() {
        String yaml = VALID.replace("port: 5432", "port: abc");

        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "config.yaml", Daemon.SINK, name -> null))
                .hasMessageContaining("postgres.port (line 3)");
    }

    @Test
    void letsADaemonLeaveOutSectionsItDoesNotNeed() {
        String sinkOnly = VALID.substring(VALID.indexOf("kafka:"));

        PgcdcConfig config = ConfigLoader.parse(sinkOnly, "config.yaml", Daemon.SINK, name -> null);

        assertThat(config.postgres()).isNull();
        assertThat(config.kafka()).isNotNull();
        assertThatThrownBy(() -> ConfigLoader.parse(sinkOnly, "config.yaml", Daemon.REPLICATOR, name -> null))
                .hasMessageContaining("postgres: required section is missing");
    }

    @Test
    void reportsAMissingFileWithItsPath() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(missing, Daemon.ANY, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toAbsolutePath() + " does not exist")
                .hasMessageContaining("--config");
    }

    @Test
    void reportsADirectoryGivenAsTheFile() {
        assertThatThrownBy(() -> ConfigLoader.load(dir, Daemon.ANY, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.toAbsolutePath() + " is a directory");
    }

    @Test
    void reportsAFileThatIsNotUtf8Text() throws IOException {
        Path binary = dir.resolve("config.yaml");
        Files.write(binary, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});

        assertThatThrownBy(() -> ConfigLoader.load(binary, Daemon.ANY, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void reportsAnEmptyFile() throws IOException {
        Path empty = Files.writeString(dir.resolve("config.yaml"), "");

        assertThatThrownBy(() -> ConfigLoader.load(empty, Daemon.ANY, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("(it is empty)");
    }

    @Test
    void reportsAFileItMayNotRead() throws IOException {
        Path locked = Files.writeString(dir.resolve("config.yaml"), VALID);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeThat(Files.isReadable(locked)).as("permissions are not enforced for this user (root)").isFalse();

        assertThatThrownBy(() -> ConfigLoader.load(locked, Daemon.ANY, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read config file " + locked.toAbsolutePath())
                .hasMessageContaining("check the path and its permissions");
    }

    @Test
    void reportsAFileThatFailsWhileBeingRead() {
        // Readable by permissions, even for root, but every read fails with EIO.
        Path failing = Path.of("/proc/self/mem");
        assumeThat(failing).as("a Linux /proc file system").exists();

        assertThatThrownBy(() -> ConfigLoader.load(failing, Daemon.ANY, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: cannot read config file /proc/self/mem: IOException Input/output error;"
                        + " check the path and its permissions");
    }

    private static Arguments bad(String description, String yaml, String expectedFragment) {
        return Arguments.of(description, yaml, expectedFragment);
    }

    private static String with(String original, String replacement) {
        assertThat(VALID).as("the template contains the text a case replaces").contains(original);
        return VALID.replace(original, replacement);
    }
}
