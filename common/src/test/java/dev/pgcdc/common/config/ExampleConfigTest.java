package dev.pgcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExampleConfigTest {

    /** The design's example, at the root of the project; tests run in the module directory. */
    static final Path EXAMPLE = Path.of("..", "config.yaml");

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void loadsTheExampleConfigVerbatimForEveryDaemon(Daemon daemon) {
        assertThat(EXAMPLE).as("the example config of the project").isRegularFile();

        PgcdcConfig config = ConfigLoader.load(EXAMPLE, daemon, Map.of());

        PostgresConfig postgres = config.postgres();
        assertThat(postgres.host()).isEqualTo("localhost");
        assertThat(postgres.port()).isEqualTo(5432);
        assertThat(postgres.user()).isEqualTo("cdc_user");
        assertThat(postgres.password().reveal()).isEqualTo("secret");
        assertThat(postgres.dbname()).isEqualTo("mydb");
        assertThat(postgres.slotName()).isEqualTo("my_slot");
        assertThat(postgres.publicationName()).isEqualTo("my_publication");
        assertThat(postgres.tables()).containsExactly(new TableConfig(new TableId("public", "users"), List.of()));
        assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/mydb");

        KafkaConfig kafka = config.kafka();
        assertThat(kafka.brokers()).containsExactly("localhost:9092");
        assertThat(kafka.topic()).isEqualTo("cdc-events");
        assertThat(kafka.topicPattern()).isNull();
        assertThat(kafka.topicFor(new TableId("public", "users"))).isEqualTo("cdc-events");
        assertThat(kafka.groupId()).isEqualTo("cdc-es-consumer");
        assertThat(kafka.deadLetterTopic()).isNull();

        ElasticsearchConfig elasticsearch = config.elasticsearch();
        assertThat(elasticsearch.addresses()).containsExactly("http://localhost:9200");
        assertThat(elasticsearch.username()).isEqualTo("elastic");
        assertThat(elasticsearch.password().reveal()).isEqualTo("youelasticsearchpassword");
        assertThat(elasticsearch.apiKey()).isNull();
        assertThat(elasticsearch.indexPrefix()).isEqualTo("cdc_");
        assertThat(elasticsearch.indexFor(new TableId("public", "users"))).isEqualTo("cdc_public_users");

        assertThat(config.logging()).isEqualTo(LoggingConfig.DEFAULTS);
        assertThat(config.replicator()).as("absent section gives defaults").isNotNull();
        assertThat(config.sink()).as("absent section gives defaults").isNotNull();
    }

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void loadsTheExampleWhenParsedFromText(Daemon daemon) throws Exception {
        PgcdcConfig fromText = ConfigLoader.parse(Files.readString(EXAMPLE), "config.yaml", daemon, name -> null);

        assertThat(fromText).isEqualTo(ConfigLoader.load(EXAMPLE, daemon, Map.of()));
    }
}
