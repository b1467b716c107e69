package dev.pgcdc.replicator.kafka;

import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.metrics.ReplicatorMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends change events to Kafka with an idempotent producer ({@code acks=all}). Record key:
 * {@link ChangeEventCodec#encodeKey}, so every change of a row lands in one partition, in order;
 * value: {@link ChangeEventCodec#encode}. A table-wide event ({@link Op#tableWide()}: a truncate, a
 * snapshot marker) goes to every partition of its topic (explicit partition numbers), so each
 * partition carries it in order with the row changes it holds.
 *
 * <p>Each send is counted in the {@link AckTracker}; the producer callback reports the outcome
 * there (O(1), on the producer's I/O thread). {@link #send(ChangeEvent, AckTracker)} is called on the
 * stream thread only; {@link #send(ChangeEvent, Delivery)} (snapshot rows and markers) from any thread.
 */
public final class EventProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);
    /** The producer's default {@code batch.size}; {@code kafka.producer} may set another. */
    public static final int BATCH_BYTES = 256 * 1024;

    private final Producer<byte[], byte[]> producer;
    private final KafkaConfig config;
    private final Map<TableId, String> topics = new ConcurrentHashMap<>();
    private final ReplicatorMetrics metrics;

    public EventProducer(KafkaConfig config) {
        this(config, null);
    }

    /** @param metrics counts acknowledged events and send latency; null counts nothing */
    public EventProducer(KafkaConfig config, ReplicatorMetrics metrics) {
        this(new KafkaProducer<>(properties(config)), config, metrics);
    }

    EventProducer(Producer<byte[], byte[]> producer, KafkaConfig config) {
        this(producer, config, null);
    }

    EventProducer(Producer<byte[], byte[]> producer, KafkaConfig config, ReplicatorMetrics metrics) {
        this.producer = producer;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * The producer properties: safe defaults, then {@code kafka.properties}, then
     * {@code kafka.producer}, then the settings the delivery guarantee depends on (idempotence,
     * {@code acks=all}, byte-array serializers), which cannot be overridden.
     */
    public static Properties properties(KafkaConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers()));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "pgcdc-replicator");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A backlog fills Kafka's default 16 KB batch with ~18 events; per-batch work on both ends then
        // limits the rate (bench W1, 6+8 alternating runs: 256 KB gave medians 13% and 11% higher, with
        // less broker CPU). A batch this large costs memory only while it fills (buffer.memory, 32 MB).
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        // send() must not hold the stream thread for long when Kafka is unreachable (wal_sender_timeout).
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.putAll(config.properties().values());
        props.putAll(config.producer().values());
        Map<String, String> enforced = Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        enforced.forEach((key, value) -> {
            Object given = props.get(key);
            if (given != null && !value.equalsIgnoreCase(given.toString())
                    && !(key.equals(ProducerConfig.ACKS_CONFIG) && "-1".equals(given.toString()))) {
                LOG.warn("kafka producer property {}={} ignored: the replicator needs {}={} not to lose or reorder events",
                        key, given, key, value);
            }
            props.put(key, value);
        });
        return props;
    }

    /** The producer's {@code max.request.size} as configured, or Kafka's default (1 MiB). */
    public static long maxRequestBytes(KafkaConfig config) {
        Object given = properties(config).get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (given == null) {
            return 1_048_576;
        }
        try {
            return Long.parseLong(given.toString().trim());
        } catch (NumberFormatException e) {
            // The producer itself reports the bad value with its own error at start-up.
            return Long.MAX_VALUE;
        }
    }

    /** The topic of a table (the single topic, or the pattern filled in). */
    public String topicFor(TableId table) {
        return topics.computeIfAbsent(table, config::topicFor);
    }

    /**
     * Sends one event, counted in the tracker's open transaction.
     *
     * @throws RuntimeException a Kafka client error from {@code send} itself (e.g. metadata timeout);
     *     classify it with {@link KafkaErrors}
     */
    public void send(ChangeEvent event, AckTracker tracker) {
        TableId table = new TableId(event.source().schema(), event.source().table());
        String topic = topicFor(table);
        byte[] key = ChangeEventCodec.encodeKey(event);
        byte[] value = ChangeEventCodec.encode(event);
        if (event.op().tableWide()) {
            List<PartitionInfo> partitions = producer.partitionsFor(topic);
            boolean first = true;
            for (PartitionInfo partition : partitions) {
                // One event, however many partitions carry it.
                send(new ProducerRecord<>(topic, partition.partition(), key, value), tracker, value.length,
                        first ? table : null, event.op());
                first = false;
            }
        } else {
            send(new ProducerRecord<>(topic, key, value), tracker, value.length, table, event.op());
        }
    }

    /**
     * Sends one event and reports the outcome of each record to {@code delivery}: once for a row
     * event; once per partition for a table-wide event, which goes to every partition. Each call
     * comes on the producer's I/O thread (or on the caller's thread when {@code send} itself fails,
     * before this method throws). Callable from any thread.
     *
     * @return the number of records sent, i.e. of outcomes {@code delivery} will receive
     */
    public int send(ChangeEvent event, Delivery delivery) {
        TableId table = new TableId(event.source().schema(), event.source().table());
        String topic = topicFor(table);
        byte[] key = ChangeEventCodec.encodeKey(event);
        byte[] value = ChangeEventCodec.encode(event);
        if (!event.op().tableWide()) {
            send(new ProducerRecord<>(topic, key, value), delivery, table, event.op());
            return 1;
        }
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        for (int i = 0; i < partitions.size(); i++) {
            send(new ProducerRecord<>(topic, partitions.get(i).partition(), key, value), delivery, i == 0 ? table : null,
                    event.op());
        }
        return partitions.size();
    }

    /** @param table the table to count the event for once acknowledged; null counts nothing */
    private void send(ProducerRecord<byte[], byte[]> record, Delivery delivery, TableId table, Op op) {
        long started = System.nanoTime();
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    if (metrics != null && table != null) {
                        metrics.sent(table, op, System.nanoTime() - started);
                    }
                    delivery.acknowledged();
                } else {
                    delivery.failed(exception);
                }
            });
        } catch (RuntimeException e) {
            delivery.failed(e);
            throw e;
        }
    }

    /** The outcome of one send; exactly one method is called, once, and it must be O(1) and not block. */
    public interface Delivery {
        void acknowledged();

        void failed(Exception exception);
    }

    /** @param table the table to count the event for once acknowledged; null counts nothing */
    private void send(ProducerRecord<byte[], byte[]> record, AckTracker tracker, int bytes, TableId table, Op op) {
        AckTracker.Ack ack = tracker.track(bytes);
        long started = System.nanoTime();
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    if (metrics != null && table != null) {
                        metrics.sent(table, op, System.nanoTime() - started);
                    }
                    ack.acknowledged();
                } else {
                    ack.failed(exception);
                }
            });
        } catch (RuntimeException e) {
            ack.failed(e);
            throw e;
        }
    }

    /** Closes the producer, waiting at most {@code timeout} for sends in flight. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
