package dev.pgcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSubstitutionTest {

    private static final String YAML = """
            postgres:
              host: ${PGHOST}
              port: ${PGPORT:-6543}
              user: ${PGUSER:-cdc_user}
              password: ${PGPASSWORD}
              dbname: db_${ENVIRONMENT}_${REGION:-eu}
              slot_name: my_slot
              publication_name: my_publication
              tables: ["${SCHEMA:-public}.users"]
            kafka:
              brokers: ["${KAFKA_HOST:-localhost}:9092", other:9093]
              properties:
                sasl.jaas.config: ${JAAS}
            logging:
              retention: ${RETENTION:-3d}
            """;

    @TempDir
    Path dir;

    @Test
    void substitutesVariablesAndFallsBackToDefaultsFromTheEnvironmentMap() throws IOException {
        Path file = write(YAML);
        Map<String, String> environment = Map.of("PGHOST", "db.internal", "PGPASSWORD", "from-env", "ENVIRONMENT", "prod",
                "REGION", "us", "JAAS", "jaas-from-env");

        PgcdcConfig config = ConfigLoader.load(file, Daemon.REPLICATOR, environment);

        assertThat(config.postgres().host()).isEqualTo("db.internal");
        assertThat(config.postgres().port()).as("default used when unset").isEqualTo(6543);
        assertThat(config.postgres().user()).isEqualTo("cdc_user");
        assertThat(config.postgres().password().reveal()).isEqualTo("from-env");
        assertThat(config.postgres().dbname()).as("several variables in one value").isEqualTo("db_prod_us");
        assertThat(config.postgres().tableIds()).containsExactly(new TableId("public", "users"));
        assertThat(config.kafka().brokers()).containsExactly("localhost:9092", "other:9093");
        assertThat(config.kafka().properties().values()).containsEntry("sasl.jaas.config", "jaas-from-env");
        assertThat(config.logging().retention()).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void prefersTheEnvironmentOverTheDefault() throws IOException {
        Path file = write(YAML);
        Map<String, String> environment = Map.of("PGHOST", "h", "PGPASSWORD", "p", "ENVIRONMENT", "e", "JAAS", "j",
                "PGPORT", "15432", "RETENTION", "12h");

        PgcdcConfig config = ConfigLoader.load(file, Daemon.REPLICATOR, environment);

        assertThat(config.postgres().port()).isEqualTo(15432);
        assertThat(config.logging().retention()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void reportsEveryUnsetVariableWithoutADefaultByName() throws IOException {
        Path file = write(YAML);

        assertThatThrownBy(() -> ConfigLoader.load(file, Daemon.REPLICATOR, Map.of("ENVIRONMENT", "x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "postgres.host (line 2): environment variable PGHOST is not set; export it or write ${PGHOST:-default}"
                                + " to give a default",
                        "postgres.password (line 5): environment variable PGPASSWORD is not set; export it or write"
                                + " ${PGPASSWORD:-default} to give a default",
                        "kafka.properties.sasl.jaas.config: environment variable JAAS is not set; export it or write"
                                + " ${JAAS:-default} to give a default"));
    }

    @Test
    void treatsAnEmptyDefaultAsAnEmptyValue() {
        String yaml = YAML.replace("${PGHOST}", "${PGHOST:-}");

        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "config.yaml", Daemon.REPLICATOR,
                Map.of("PGPASSWORD", "p", "ENVIRONMENT", "e", "JAAS", "j")::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: postgres.host (line 2): must not be empty; set the PostgreSQL server's"
                        + " host name, e.g. host: localhost");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
