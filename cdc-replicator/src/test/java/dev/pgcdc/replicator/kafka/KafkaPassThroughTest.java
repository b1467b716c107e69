package dev.pgcdc.replicator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.KafkaConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Kafka security settings reach the producer unchanged, and the JAAS password never reaches a log or toString. */
class KafkaPassThroughTest {

    private static final String SENTINEL = "SENTINEL-jaas-41f0aa";
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"pgcdc\" password=\"" + SENTINEL + "\";";

    private static KafkaConfig kafka(String protocol) {
        String yaml = "postgres: {host: h, user: u, dbname: d, slot_name: s, publication_name: p, tables: [public.t]}\n"
                + "kafka:\n  brokers: [127.0.0.1:1]\n  properties:\n"
                + "    security.protocol: " + protocol + "\n"
                + "    sasl.mechanism: PLAIN\n"
                + "    sasl.jaas.config: '" + JAAS + "'\n"
                + "    ssl.truststore.location: /etc/pgcdc/kafka truststore.p12\n";
        return ConfigLoader.parse(yaml, "test", Daemon.REPLICATOR, name -> null).kafka();
    }

    @Test
    void securitySettingsReachTheProducerUnchanged() {
        Properties props = EventProducer.properties(kafka("SASL_SSL"));
        assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/pgcdc/kafka truststore.p12");
    }

    @Test
    void producerDefaultsBatchLargeAndCompressedButGiveWayToTheConfiguredProducerProperties() {
        assertThat(EventProducer.properties(kafka("SASL_SSL"))).containsEntry("batch.size", "262144")
                .containsEntry("compression.type", "lz4").containsEntry("linger.ms", "5");
        String yaml = "kafka:\n  brokers: [localhost:9092]\n  topic: t\n  producer:\n    batch.size: 16384\n"
                + "    compression.type: zstd\n";
        Properties props = EventProducer.properties(ConfigLoader.parse(
                "postgres: {host: h, user: u, dbname: d, slot_name: s, publication_name: p, tables: [public.t]}\n" + yaml,
                "test", Daemon.REPLICATOR, name -> null).kafka());
        assertThat(props).containsEntry("batch.size", "16384").containsEntry("compression.type", "zstd");
    }

    @Test
    void theConfigurationsToStringMasksTheJaasConfig() {
        KafkaConfig config = kafka("SASL_SSL");
        assertThat(config.toString()).doesNotContain(SENTINEL).contains("sasl.jaas.config=******")
                .contains("security.protocol=SASL_SSL");
    }

    @Test
    void theProducerLogsItsConfigurationWithTheJaasConfigHidden() {
        // The configuration is logged at INFO by org.apache.kafka...ProducerConfig; logback-test.xml says WARN.
        Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        kafkaLogger.addAppender(appender);
        ch.qos.logback.classic.Level before = kafkaLogger.getLevel();
        kafkaLogger.setLevel(ch.qos.logback.classic.Level.INFO);
        Properties props = EventProducer.properties(kafka("SASL_PLAINTEXT"));
        props.remove("ssl.truststore.location");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.close(Duration.ZERO);
        } finally {
            kafkaLogger.detachAppender(appender);
            kafkaLogger.setLevel(before);
        }
        String logged = String.join("\n", appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertThat(logged).as("the producer's configuration log").contains("sasl.jaas.config = [hidden]")
                .contains("security.protocol = SASL_PLAINTEXT").doesNotContain(SENTINEL);
    }
}
