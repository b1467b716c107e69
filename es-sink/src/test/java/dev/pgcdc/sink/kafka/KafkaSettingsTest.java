package dev.pgcdc.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PassThroughProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static KafkaConfig kafka(String pattern, Map<String, String> consumer) {
        return new KafkaConfig(List.of("localhost:9092"), "cdc-events", pattern, 3, (short) 1, "group", "dlq",
                PassThroughProperties.empty(), PassThroughProperties.empty(), new PassThroughProperties(consumer));
    }

    @Test
    void passThroughPropertiesApplyButAutoCommitStaysOff() {
        var props = KafkaSettings.consumer(kafka(null, Map.of("max.poll.records", "50", "enable.auto.commit", "true")));
        assertThat(props.getProperty("max.poll.records")).isEqualTo("50");
        assertThat(props.getProperty("enable.auto.commit")).isEqualTo("false");
        assertThat(props.getProperty("group.id")).isEqualTo("group");
    }

    @Test
    void securitySettingsReachTheConsumerTheDeadLetterProducerAndTheAdminClientUnchanged() {
        Map<String, String> security = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"s\""
                        + " password=\"SENTINEL-jaas\";",
                "ssl.truststore.location", "/etc/pgcdc/kafka.p12");
        KafkaConfig config = new KafkaConfig(List.of("localhost:9092"), "cdc-events", null, 3, (short) 1, "group", "dlq",
                new PassThroughProperties(security), PassThroughProperties.empty(), PassThroughProperties.empty());
        for (var props : List.of(KafkaSettings.consumer(config), KafkaSettings.deadLetterProducer(config),
                KafkaSettings.admin(config, java.time.Duration.ofSeconds(5)))) {
            assertThat(props).containsAllEntriesOf(security);
        }
        assertThat(config.toString()).doesNotContain("SENTINEL-jaas").contains("sasl.jaas.config=******");
    }

    @Test
    void topicPatternBecomesARegex() {
        var regex = KafkaSettings.topicRegex(kafka("cdc.{schema}.{table}", Map.of()));
        assertThat(regex.matcher("cdc.public.users").matches()).isTrue();
        assertThat(regex.matcher("cdcXpublic.users").matches()).isFalse();
        assertThat(KafkaSettings.topicRegex(kafka(null, Map.of()))).isNull();
    }
}
