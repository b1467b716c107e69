package dev.pgcdc.bench.workload;

import dev.pgcdc.bench.measure.EsProbe;
import dev.pgcdc.bench.measure.KafkaProbe;
import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PassThroughProperties;
import dev.pgcdc.replicator.kafka.EventProducer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Brings a freshly started Kafka broker and Elasticsearch node to their steady state before anything
 * is measured, as servers that run for weeks are: their JVMs compile the produce, fetch and bulk
 * paths in the first few hundred thousand records (measured here: a cold Elasticsearch took 500-800 ms
 * per 1000-document bulk request that a warm one answers in ~40 ms, and the first replicator run into
 * a cold broker reached ~45k events/s against ~80k later). The components under test are not warmed:
 * every measured daemon still starts in a new JVM. Nothing here is measured or kept: the scratch
 * topic and index are deleted.
 */
public final class EngineWarmup {

    private static final String TOPIC = "bench_warmup";
    private static final String INDEX = "bench_warmup";

    private EngineWarmup() {
    }

    /**
     * Produces {@code records} W1-like records (about 900 bytes) with the replicator's producer settings
     * ({@link EventProducer#properties}) into a 3-partition topic and reads them back.
     */
    public static void kafka(KafkaProbe probe, String bootstrap, int records) {
        probe.createTopic(TOPIC, 3, false);
        // The replicator's own producer properties, for a config that sets none of its own.
        Properties producerProps = EventProducer.properties(new KafkaConfig(List.of(bootstrap), TOPIC, null, 3, (short) 1,
                null, null, PassThroughProperties.empty(), PassThroughProperties.empty(), PassThroughProperties.empty()));
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-warmup");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = 1; id <= records; id++) {
                producer.send(new ProducerRecord<>(TOPIC, ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                        document(id)));
            }
            producer.flush();
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (read < records && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                read += batch.count();
            }
        }
        probe.deleteTopic(TOPIC);
    }

    /**
     * Indexes {@code documents} W1-like documents in bulk requests of 1000 with external versions, then
     * writes them all again with higher versions (the version look-ups of updates), pass after pass
     * until a pass is no more than 10% faster than the one before (at least 2, at most 6 passes), then
     * deletes the index.
     *
     * @return the passes' durations in seconds
     */
    public static List<Double> elasticsearch(EsProbe es, int documents) throws IOException {
        List<Double> seconds = new ArrayList<>();
        for (int pass = 1; pass <= 6; pass++) {
            long started = System.nanoTime();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (long id = 1; id <= documents; id++) {
                body.writeBytes(("{\"index\":{\"_id\":\"" + id + "\",\"version\":" + (pass * 1_000_000_000L + id)
                        + ",\"version_type\":\"external_gte\"}}\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(document(id));
                body.write('\n');
                if (id % 1000 == 0 || id == documents) {
                    if (es.bulk(INDEX, body.toByteArray())) {
                        throw new IOException("a bulk item of the Elasticsearch warm-up failed");
                    }
                    body.reset();
                }
            }
            seconds.add((System.nanoTime() - started) / 1e9);
            if (pass >= 2 && seconds.get(pass - 1) > 0.9 * seconds.get(pass - 2)) {
                break;
            }
        }
        es.deleteIndex(INDEX);
        return seconds;
    }

    /** About the size and shape of a W1 mirror document. */
    private static byte[] document(long id) {
        return ("{\"id\":" + id + ",\"name\":\"" + Rows.name(id) + "\",\"amount\":" + Rows.amount(id, 0)
                + ",\"payload\":" + Rows.payload(id, 0) + ",\"updated_at\":\"2026-12-07T00:00:00.000000Z\","
                + "\"_cdc\":{\"op\":\"c\",\"lsn\":" + id + ",\"commit_lsn\":" + id + ",\"sequence\":0,\"commit_time\":"
                + id + ",\"tx_id\":" + id + ",\"snapshot\":\"false\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
