package dev.pgcdc.sink.kafka;

import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PassThroughProperties;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka client properties for the sink: the configured pass-through properties ({@code kafka.properties}
 * then {@code kafka.consumer} / {@code kafka.producer}) over the sink's defaults, except the settings
 * its correctness rests on (manual commits, byte-array serdes), which cannot be overridden.
 */
public final class KafkaSettings {

    private static final Logger log = LoggerFactory.getLogger(KafkaSettings.class);

    private KafkaSettings() {
    }

    public static Properties consumer(KafkaConfig kafka) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.brokers()));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-es-sink");
        putAll(props, kafka.properties());
        putAll(props, kafka.consumer());
        if ("true".equalsIgnoreCase(String.valueOf(props.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)))) {
            log.warn("ignoring kafka enable.auto.commit=true: the sink commits offsets itself, only after Elasticsearch"
                    + " acknowledged the events");
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Admin client properties for {@code check} and {@code status}: brokers and {@code kafka.properties}. */
    public static Properties admin(KafkaConfig kafka, java.time.Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", String.join(",", kafka.brokers()));
        props.put("client.id", "pgcdc-es-sink-admin");
        putAll(props, kafka.properties());
        props.put("request.timeout.ms", Long.toString(timeout.toMillis()));
        props.put("default.api.timeout.ms", Long.toString(timeout.toMillis()));
        return props;
    }

    public static Properties deadLetterProducer(KafkaConfig kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.brokers()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "pgcdc-es-sink-dead-letter");
        putAll(props, kafka.properties());
        putAll(props, kafka.producer());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * The subscription regex for {@code topic_pattern} (e.g. {@code cdc.{schema}.{table}} matches
     * {@code cdc.public.users}), or null when the single {@code topic} is used.
     */
    public static Pattern topicRegex(KafkaConfig kafka) {
        String pattern = kafka.topicPattern();
        if (pattern == null) {
            return null;
        }
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            int next = nextPlaceholder(pattern, i);
            if (next < 0) {
                regex.append(Pattern.quote(pattern.substring(i)));
                break;
            }
            if (next > i) {
                regex.append(Pattern.quote(pattern.substring(i, next)));
            }
            regex.append(".+");
            i = pattern.indexOf('}', next) + 1;
        }
        return Pattern.compile(regex.toString());
    }

    private static int nextPlaceholder(String pattern, int from) {
        int schema = pattern.indexOf("{schema}", from);
        int table = pattern.indexOf("{table}", from);
        if (schema < 0) {
            return table;
        }
        return table < 0 ? schema : Math.min(schema, table);
    }

    private static void putAll(Properties props, PassThroughProperties extra) {
        if (extra != null) {
            props.putAll(extra.values());
        }
    }
}
