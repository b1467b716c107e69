package dev.pgcdc.bench.debezium;

import dev.pgcdc.replicator.kafka.EventProducer;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Debezium baseline, run in its own JVM by the harness: the embedded engine with the PostgreSQL
 * connector (pgoutput) and the JSON converter, producing every change to one Kafka topic with the same
 * producer settings as the replicator (idempotent, {@code acks=all}, lz4, {@code linger.ms=5}, 256 KB
 * batches). A batch
 * is marked processed only after Kafka acknowledged all of it, as Debezium Server's Kafka sink does.
 *
 * <p>Usage: {@code DebeziumMain ENGINE_PROPERTIES BOOTSTRAP TOPIC}. Runs until SIGTERM.
 */
public final class DebeziumMain {

    private DebeziumMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties engine = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            engine.load(reader);
        }
        String bootstrap = args[1];
        String topic = args[2];
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-debezium");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A compile-time constant: the replicator's jar stays off this JVM's class path.
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(EventProducer.BATCH_BYTES));
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer());
        CountDownLatch stopped = new CountDownLatch(1);
        DebeziumEngine<ChangeEvent<String, String>> debezium = DebeziumEngine.create(Json.class)
                .using(engine)
                .notifying((records, committer) -> {
                    List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
                    for (ChangeEvent<String, String> record : records) {
                        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
                        byte[] value = record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8);
                        sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
                    }
                    producer.flush();
                    for (int i = 0; i < sends.size(); i++) {
                        try {
                            sends.get(i).get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            throw new IllegalStateException("Kafka did not accept a record", e.getCause());
                        }
                        committer.markProcessed(records.get(i));
                    }
                    committer.markBatchFinished();
                })
                .using((success, message, error) -> {
                    if (!success) {
                        System.err.println("debezium engine stopped: " + message);
                        if (error != null) {
                            error.printStackTrace();
                        }
                    }
                    stopped.countDown();
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                debezium.close();
                stopped.await(20, TimeUnit.SECONDS);
                producer.close();
            } catch (IOException | InterruptedException e) {
                System.err.println("closing debezium: " + e);
            }
        }, "bench-debezium-stop"));
        executor.execute(debezium);
        stopped.await();
        executor.shutdown();
    }
}
