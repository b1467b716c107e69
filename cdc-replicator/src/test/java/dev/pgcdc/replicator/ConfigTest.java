package dev.pgcdc.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.replicator.kafka.EventProducer;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The replicator's settings: defaults, validation, and what reaches the Kafka producer. */
class ConfigTest {

    private static final String BASE = """
            postgres:
              host: localhost
              user: cdc_user
              password: secret
              dbname: mydb
              slot_name: my_slot
              publication_name: my_publication
              tables: [public.users]
            kafka:
              brokers: [localhost:9092]
            """;

    private static PgcdcConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", Daemon.REPLICATOR, name -> null);
    }

    @Test
    void defaultsAreSafe() {
        PgcdcConfig config = parse(BASE);
        assertThat(config.replicator().statusInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.replicator().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.replicator().maxInFlightEvents()).isEqualTo(10_000);
        assertThat(config.replicator().maxInFlightBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(config.replicator().shutdownTimeout()).isLessThan(Duration.ofSeconds(10));
        assertThat(config.postgres().adjustPublication()).isFalse();
        assertThat(config.postgres().toString()).doesNotContain("secret");
    }

    @Test
    void snapshotSettingsHaveDefaultsAndRejectUnknownModes() {
        PgcdcConfig config = parse(BASE);
        assertThat(config.postgres().snapshotMode()).isEqualTo(dev.pgcdc.common.config.SnapshotMode.INITIAL);
        assertThat(config.replicator().snapshotWorkers()).isEqualTo(4);
        assertThat(config.replicator().snapshotChunkSize()).isEqualTo(50_000);
        assertThat(config.replicator().backfillChunkSize()).isEqualTo(2_000);
        assertThat(parse(BASE.replace("  tables: [public.users]\n", "  tables: [public.users]\n  snapshot_mode: when_needed\n"))
                .postgres().snapshotMode()).isEqualTo(dev.pgcdc.common.config.SnapshotMode.WHEN_NEEDED);
        assertThatThrownBy(() -> parse(BASE.replace("  tables: [public.users]\n",
                "  tables: [public.users]\n  snapshot_mode: sometimes\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("postgres.snapshot_mode")
                .hasMessageContaining("initial_only");
        assertThatThrownBy(() -> parse(BASE + "replicator:\n  snapshot_workers: 0\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("replicator.snapshot_workers");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> parse(BASE + "replicator:\n  status_interval: 0s\n  max_in_flight_events: 0\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replicator.status_interval")
                .hasMessageContaining("replicator.max_in_flight_events");
        assertThatThrownBy(() -> parse(BASE + "replicator:\n  heartbeat_intervall: 5s\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'heartbeat_interval'");
    }

    @Test
    void passThroughPropertiesReachTheProducerButCannotWeakenDelivery() {
        PgcdcConfig config = parse(BASE.replace("  brokers: [localhost:9092]\n", """
                  brokers: [localhost:9092]
                  properties:
                    security.protocol: SSL
                  producer:
                    compression.type: zstd
                    acks: "1"
                    enable.idempotence: false
                """));
        Properties props = EventProducer.properties(config.kafka());
        assertThat(props).containsEntry("security.protocol", "SSL").containsEntry("compression.type", "zstd")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }
}
