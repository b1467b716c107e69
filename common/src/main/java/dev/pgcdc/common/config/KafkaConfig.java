package dev.pgcdc.common.config;

import java.util.List;

/**
 * The {@code kafka} section.
 *
 * @param brokers bootstrap servers, {@code host:port}
 * @param topic the change topic when every table shares one
 * @param topicPattern one topic per table instead, e.g. {@code cdc.{schema}.{table}}; null for the
 *     single {@code topic}
 * @param topicPartitions partitions of topics the replicator creates
 * @param topicReplicationFactor replication factor of topics the replicator creates
 * @param groupId the sink's consumer group (key {@code groupID})
 * @param deadLetterTopic where the sink sends records that can never be applied; null means the
 *     sink stops on such a record instead of skipping it
 * @param properties client properties for both producer and consumer (security, SASL, TLS)
 * @param producer extra producer properties (override {@code properties})
 * @param consumer extra consumer properties (override {@code properties})
 */
public record KafkaConfig(
        List<String> brokers,
        String topic,
        String topicPattern,
        int topicPartitions,
        short topicReplicationFactor,
        String groupId,
        String deadLetterTopic,
        PassThroughProperties properties,
        PassThroughProperties producer,
        PassThroughProperties consumer) {

    public KafkaConfig {
        brokers = List.copyOf(brokers);
    }

    /** The topic that receives the changes of {@code table}. */
    public String topicFor(TableId table) {
        if (topicPattern == null) {
            return topic;
        }
        return topicPattern.replace("{schema}", table.schema()).replace("{table}", table.table());
    }

    static KafkaConfig from(ConfigNode node) {
        List<String> brokers = node.requiredStringList("brokers", "list the bootstrap servers, e.g. brokers: [localhost:9092]");
        for (String broker : brokers) {
            if (!broker.matches("([^:\\s\\[\\]]+|\\[[0-9A-Fa-f:.]+]):\\d{1,5}")
                    || Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1)) > 65535) {
                node.problem("brokers", "'" + broker + "' is not host:port with a port up to 65535, e.g. localhost:9092");
            }
        }
        String topic = node.string("topic", "cdc-events");
        String pattern = node.string("topic_pattern", null);
        if (pattern != null && !pattern.contains("{table}")) {
            node.problem("topic_pattern", "must contain {table} (and usually {schema}), e.g. cdc.{schema}.{table}");
        }
        for (String name : pattern == null ? List.of(topic) : List.<String>of()) {
            if (!name.matches("[A-Za-z0-9._-]{1,249}")) {
                node.problem("topic", "'" + name + "' is not a valid Kafka topic name: use letters, digits, '.', '_' and '-'");
            }
        }
        int partitions = node.integer("topic_partitions", 3, 1, 10_000);
        int replication = node.integer("topic_replication_factor", 1, 1, Short.MAX_VALUE);
        String groupId = node.string("groupID", "pgcdc-es-sink");
        String deadLetter = node.string("dead_letter_topic", null);
        return new KafkaConfig(brokers, topic, pattern, partitions, (short) replication, groupId, deadLetter,
                node.passThrough("properties"), node.passThrough("producer"), node.passThrough("consumer"));
    }
}
