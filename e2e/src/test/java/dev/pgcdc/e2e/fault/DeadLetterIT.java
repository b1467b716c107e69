package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Kafka records that are not change events go to the dead-letter topic with a reason; later changes still arrive. */
@ExtendWith(EnginesExtension.class)
@Timeout(180)
class DeadLetterIT {

    @Test
    void shouldDeadLetterRecordsThatAreNotChangeEventsAndKeepApplyingTheRest(PostgresEndpoint postgres,
                                                                            KafkaEndpoint kafka,
                                                                            ElasticsearchEndpoint elasticsearch)
            throws Exception {
        Path dir = Pipeline.runDirectory("dlq");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "dlq");
        pipeline.writeConfig();
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            postgres.execute(pipeline.database, "INSERT INTO wl_scratch (id, v) VALUES (1, 'before')");
            assertThat(pipeline.differences(pipeline.awaitConsistent(Duration.ofSeconds(60)))).isZero();
            List<byte[]> garbage = List.of(
                    new byte[] {(byte) 0xff, 0x00, 0x13, 0x37},
                    "{not json".getBytes(StandardCharsets.UTF_8),
                    "[1,2,3]".getBytes(StandardCharsets.UTF_8),
                    "{\"op\":\"c\",\"after\":{\"id\":5}}".getBytes(StandardCharsets.UTF_8),
                    "{\"op\":\"x\",\"source\":{\"schema\":\"public\",\"table\":\"wl_scratch\"}}".getBytes(StandardCharsets.UTF_8));
            for (byte[] value : garbage) {
                producer.send(new ProducerRecord<>(pipeline.topic, "k".getBytes(StandardCharsets.UTF_8), value)).get();
            }
            producer.send(new ProducerRecord<>(pipeline.topic, null, null)).get();
            postgres.execute(pipeline.database, "INSERT INTO wl_scratch (id, v) VALUES (2, 'after the garbage')");
            List<VerifyReport> reports = pipeline.awaitConsistent(Duration.ofSeconds(60));
            assertThat(sink.isAlive()).as("the sink keeps running; log %s", sink.log).isTrue();
            assertThat(pipeline.differences(reports)).as("later changes still arrive:%n%s", Pipeline.summaries(reports))
                    .isZero();
            List<String> reasons = reasons(kafka, pipeline.deadLetterTopic, garbage.size() + 1);
            System.out.println("DeadLetterIT reasons:\n  " + String.join("\n  ", reasons));
            assertThat(reasons).as("a dead letter with a reason per record that is not a change event (%d, and"
                    + " maybe the null-valued record)", garbage.size())
                    .hasSizeGreaterThanOrEqualTo(garbage.size()).allMatch(r -> !r.isBlank());
        }
    }

    private static List<String> reasons(KafkaEndpoint kafka, String topic, int expected) {
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (reasons.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header reason = r.headers().lastHeader("pgcdc.dlq.reason");
                    reasons.add(reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }
}
