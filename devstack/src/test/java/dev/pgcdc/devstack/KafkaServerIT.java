package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EnginesExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaServerIT {

    @Test
    void recordProducedToAFreshTopicIsConsumedWithKeyAndValue(KafkaEndpoint kafka) throws Exception {
        String topic = kafka.createFreshTopic("roundtrip", 3);

        produce(kafka, topic, "order-1", "{\"id\":1}");

        assertThat(consumeAll(kafka, topic, 1)).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("order-1");
            assertThat(record.value()).isEqualTo("{\"id\":1}");
        });
    }

    @Test
    void stopAndStartKeepTheTopicAndItsRecords(KafkaServer kafka) throws Exception {
        String topic = UniqueNames.next("outage"); // auto-created by the first send
        String bootstrap = kafka.bootstrapServers();
        produce(kafka, topic, "before", "stop");

        kafka.stop();
        try {
            assertThat(kafka.isRunning()).as("running after stop()").isFalse();
        } finally {
            kafka.start(); // other test classes share this broker
        }

        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        produce(kafka, topic, "after", "start");
        assertThat(consumeAll(kafka, topic, 2)).extracting(ConsumerRecord::key).containsExactly("before", "after");
    }

    @Test
    void brokerPropertiesApplyAndCloseKillsTheBrokerAndDeletesItsData() throws Exception {
        KafkaServer kafka = KafkaServer.builder().brokerProperty("message.max.bytes", "2000000").start();
        long pid = kafka.pid();
        Path instanceDir = kafka.dataDir().getParent();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            assertThat(config.get("message.max.bytes").value()).isEqualTo("2000000");
        } finally {
            kafka.close();
        }

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("broker JVM after close()").isEmpty();
        assertThat(instanceDir).doesNotExist();
    }

    private static void produce(KafkaEndpoint kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(KafkaEndpoint kafka, String topic, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, UniqueNames.next("group"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
