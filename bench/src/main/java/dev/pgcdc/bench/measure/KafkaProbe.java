package dev.pgcdc.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches Kafka from outside the measured process: a topic's end offsets (records acknowledged
 * with {@code acks=all}: on one broker, the high watermark moves when the leader appended them)
 * and a consumer group's committed offsets (what the sink acknowledged). Also creates topics and
 * reads them back. The offset queries are thread-safe (the admin client is); {@link #readAll} uses its
 * own consumer.
 */
public final class KafkaProbe implements AutoCloseable {

    private final String bootstrap;
    private final Admin admin;
    private final Map<String, List<TopicPartition>> knownPartitions = new java.util.concurrent.ConcurrentHashMap<>();

    public KafkaProbe(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /**
     * @param logAppendTime stamp records with the broker's append time, so that a record's timestamp
     *     is the time Kafka accepted it (the commit → Kafka latency)
     */
    public void createTopic(String name, int partitions, boolean logAppendTime) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (logAppendTime) {
            topic.configs(Map.of("message.timestamp.type", "LogAppendTime"));
        }
        get(admin.createTopics(List.of(topic)).all());
    }

    public void deleteTopic(String name) {
        knownPartitions.remove(name);
        try {
            admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: frees disk only
        }
    }

    /** Sum of the end offsets of every partition of {@code topic}; 0 when it does not exist yet. */
    public long endOffsets(String topic) {
        List<TopicPartition> partitions = partitions(topic);
        if (partitions.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, OffsetSpec.latest()));
        return get(admin.listOffsets(request).all()).values().stream().mapToLong(r -> r.offset()).sum();
    }

    /** Sum of the group's committed offsets on {@code topic}'s partitions. */
    public long committed(String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** The group's committed offsets (next to read) by partition of {@code topic}. Thread-safe. */
    public Map<Integer, Long> committedByPartition(String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<Integer, Long> byPartition = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                byPartition.put(partition.partition(), offset.offset());
            }
        });
        return byPartition;
    }

    /** Reads every record of {@code topic} from the beginning to the end offsets of now. */
    public long readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not finish within 10 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        handler.accept(record);
                        read++;
                    }
                }
            }
        }
        return read;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The topic's partitions, described once it exists and then kept (the harness never adds partitions):
     * the end offsets are polled every 50 ms while a daemon is measured, and a describe per poll doubled
     * the requests the probe sends the broker under test.
     */
    private List<TopicPartition> partitions(String topic) {
        List<TopicPartition> known = knownPartitions.get(topic);
        if (known != null) {
            return known;
        }
        List<TopicPartition> described = describePartitions(topic);
        if (!described.isEmpty()) {
            knownPartitions.put(topic, described);
        }
        return described;
    }

    private List<TopicPartition> describePartitions(String topic) {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            List<TopicPartition> partitions = new ArrayList<>();
            description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            return List.copyOf(partitions);
        } catch (ExecutionException e) {
            return List.of();
        } catch (TimeoutException e) {
            throw new IllegalStateException("describing " + topic + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka admin request failed: " + e, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
