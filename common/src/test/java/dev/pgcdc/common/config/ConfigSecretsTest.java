package dev.pgcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigSecretsTest {

    private static final String SENTINEL = "S3NT1NEL-pw";

    private static final String WITH_SECRETS = """
            postgres:
              host: localhost
              user: cdc_user
              password: "S3NT1NEL-pw"
              dbname: mydb
              slot_name: my_slot
              publication_name: my_publication
              tables: [public.users]
            kafka:
              brokers: [localhost:9092]
              properties:
                sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required password="S3NT1NEL-pw";
                basic.auth.user.info: user:S3NT1NEL-pw
              producer:
                ssl.key.password: S3NT1NEL-pw
            elasticsearch:
              addresses: [https://localhost:9200]
              api_key: S3NT1NEL-pw
            """;

    @Test
    void keepsSecretsOutOfEveryRecordsToString() {
        PgcdcConfig config = ConfigLoader.parse(WITH_SECRETS, "config.yaml", Daemon.ANY, name -> null);

        assertThat(config.postgres().password().reveal()).isEqualTo(SENTINEL);
        assertThat(config.elasticsearch().apiKey().reveal()).isEqualTo(SENTINEL);
        assertThat(config.kafka().properties().values()).containsEntry("basic.auth.user.info", "user:" + SENTINEL);
        for (Object part : new Object[] {config, config.postgres(), config.kafka(), config.elasticsearch(),
                config.kafka().properties(), config.kafka().producer(), config.postgres().password(),
                config.elasticsearch().apiKey(), config.logging(), config.replicator(), config.sink()}) {
            assertThat(part.toString()).as("toString of %s", part.getClass().getSimpleName()).doesNotContain(SENTINEL);
        }
    }

    @Test
    void keepsTheElasticsearchPasswordOutOfToString() {
        String yaml = WITH_SECRETS.replace("  api_key: S3NT1NEL-pw", "  username: elastic\n  password: S3NT1NEL-pw");

        PgcdcConfig config = ConfigLoader.parse(yaml, "config.yaml", Daemon.ANY, name -> null);

        assertThat(config.elasticsearch().password().reveal()).isEqualTo(SENTINEL);
        assertThat(config.elasticsearch().toString()).doesNotContain(SENTINEL).contains("elastic");
        assertThat(config.toString()).doesNotContain(SENTINEL);
    }

    static Stream<Arguments> brokenConfigsAroundASecret() {
        return Stream.of(
                broken("password that is a list", "  password: [S3NT1NEL-pw]"),
                broken("password that is a mapping", "  password: {value: S3NT1NEL-pw}"),
                broken("password that is an undefined alias", "  password: *S3NT1NEL-pw"),
                broken("password with an unterminated quote", "  password: \"S3NT1NEL-pw"),
                broken("password with a bad escape", "  password: \"S3NT1NEL-pw\\q\""),
                broken("password line without a colon", "  password S3NT1NEL-pw"),
                broken("password containing ': '", "  password: S3NT1NEL-pw: more"),
                broken("password with a stray quote", "  password: 'S3NT1NEL-pw'x'"),
                broken("password indented with a tab", "\tpassword: S3NT1NEL-pw"),
                broken("password indented too deep", "     password: S3NT1NEL-pw"),
                broken("password given twice", "  password: S3NT1NEL-pw\n  password: S3NT1NEL-pw"),
                broken("password under a misspelt key", "  pasword: S3NT1NEL-pw"),
                broken("password with an unset variable", "  password: \"S3NT1NEL-pw${PW_SUFFIX}\""),
                broken("password as a block scalar before broken YAML", "  password: |\n    S3NT1NEL-pw\n  port: [1"),
                broken("password in a flow mapping that does not close", "  auth: {user: u, password: S3NT1NEL-pw"),
                broken("credentials in an Elasticsearch address",
                        "  password: x\nelasticsearch:\n  addresses: [\"http://elastic:S3NT1NEL-pw@localhost:9200\"]"),
                broken("credentials in an address without scheme",
                        "  password: x\nelasticsearch:\n  addresses: [\"elastic:S3NT1NEL-pw@localhost:9200\"]"),
                broken("api key next to a user name",
                        "  password: x\nelasticsearch:\n  addresses: [http://h:9200]\n  username: u\n  api_key: S3NT1NEL-pw"),
                broken("secret in a client property next to a broken port",
                        "  password: x\n  port: abc\n  properties:\n    sslpassword: S3NT1NEL-pw\n    sslkey: [unclosed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigsAroundASecret")
    void neverEchoesASecretInAProblem(String description, String passwordLines) {
        String yaml = WITH_SECRETS.substring(0, WITH_SECRETS.indexOf("kafka:"))
                .replace("  password: \"S3NT1NEL-pw\"", passwordLines);

        ConfigException problem = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "config.yaml", Daemon.ANY, Map.<String, String>of()::get));

        assertThat(problem).as("a broken config is rejected").isNotNull();
        assertThat(problem.getMessage()).doesNotContain(SENTINEL).doesNotContain("S3NT1NEL");
        assertThat(String.join("\n", problem.problems())).doesNotContain("S3NT1NEL");
    }

    @Test
    void stillNamesTheKeyWhoseSecretIsMalformed() {
        String yaml = WITH_SECRETS.replace("password: \"S3NT1NEL-pw\"", "password: [S3NT1NEL-pw]");

        ConfigException problem = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "config.yaml", Daemon.ANY, name -> null));

        assertThat(problem.problems()).containsExactly(
                "postgres.password (line 4): expected a single value (a string), not a list or a mapping");
    }

    private static Arguments broken(String description, String passwordLines) {
        return Arguments.of(description, passwordLines);
    }
}
