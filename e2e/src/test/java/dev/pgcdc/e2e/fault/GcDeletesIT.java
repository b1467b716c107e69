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
import org.apache.http.HttpHost;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 9: an old insert replayed into the topic after the row's delete, and after Elasticsearch has
 * forgotten the delete's version ({@code index.gc_deletes} set to 1 s here), does not bring the
 * document back: the sink's tombstones outlive {@code gc_deletes}.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(180)
class GcDeletesIT {

    @Test
    void shouldNotResurrectADeletedRowWhenAnOldInsertIsReplayedAfterGcDeletes(PostgresEndpoint postgres,
                                                                            KafkaEndpoint kafka,
                                                                            ElasticsearchEndpoint elasticsearch)
            throws Exception {
        Path dir = Pipeline.runDirectory("gcdeletes");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "gcdeletes");
        pipeline.writeConfig();
        String index = pipeline.parsed().elasticsearch().indexFor(dev.pgcdc.common.config.TableId.parse("public.wl_scratch"));
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink();
             RestClient es = RestClient.builder(HttpHost.create(elasticsearch.url())).build()) {
            postgres.execute(pipeline.database, "INSERT INTO wl_scratch (id, v) VALUES (7777, 'doomed'), (7778, 'kept')");
            assertThat(pipeline.differences(pipeline.awaitConsistent(Duration.ofSeconds(60)))).isZero();
            Request settings = new Request("PUT", "/" + index + "/_settings");
            settings.setJsonEntity("{\"index\":{\"gc_deletes\":\"1s\"}}");
            es.performRequest(settings);
            postgres.execute(pipeline.database, "DELETE FROM wl_scratch WHERE id = 7777");
            assertThat(pipeline.differences(pipeline.awaitConsistent(Duration.ofSeconds(60)))).isZero();
            Thread.sleep(4_000);
            // Some indexing and a refresh let Elasticsearch prune the delete's version.
            postgres.execute(pipeline.database, "UPDATE wl_scratch SET v = 'kept again' WHERE id = 7778");
            pipeline.awaitConsistent(Duration.ofSeconds(60));
            es.performRequest(new Request("POST", "/" + index + "/_refresh"));

            List<ConsumerRecord<byte[], byte[]>> inserts = insertsOf(kafka, pipeline.topic, "7777");
            assertThat(inserts).as("the insert (or snapshot read) of row 7777 in the topic").isNotEmpty();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (ConsumerRecord<byte[], byte[]> r : inserts) {
                    producer.send(new ProducerRecord<>(pipeline.topic, r.key(), r.value())).get();
                }
            }
            Thread.sleep(5_000);
            int status;
            try {
                status = es.performRequest(new Request("GET", "/" + index + "/_doc/7777")).getStatusLine().getStatusCode();
            } catch (ResponseException e) {
                status = e.getResponse().getStatusLine().getStatusCode();
            }
            List<VerifyReport> reports = pipeline.verify();
            FaultReport.add("9 old insert replayed after gc_deletes (1 s)", 1, pipeline.scanTopic().distinct(),
                    pipeline.documentsVerified(reports), pipeline.differences(reports), pipeline.scanTopic().duplicates());
            assertThat(status).as("GET of the deleted row's document after the replayed insert").isEqualTo(404);
            assertThat(pipeline.differences(reports)).as(Pipeline.summaries(reports)).isZero();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> insertsOf(KafkaEndpoint kafka, String topic, String id) {
        List<ConsumerRecord<byte[], byte[]>> result = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    if (key.contains("\"wl_scratch\"") && key.contains("\"id\":" + id + "}") 
                            && (value.contains("\"op\":\"c\"") || value.contains("\"op\":\"r\""))) {
                        result.add(r);
                    }
                }
            }
        }
        return result;
    }
}
