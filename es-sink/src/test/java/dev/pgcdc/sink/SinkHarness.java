package dev.pgcdc.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.sink.es.EsConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test plumbing: a topic, a producer of change events, an in-process sink, and Elasticsearch reads. */
final class SinkHarness implements AutoCloseable {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final KafkaEndpoint kafka;
    final ElasticsearchEndpoint elasticsearch;
    final String topic;
    final String deadLetterTopic;
    final String prefix;
    final String group;
    final KafkaProducer<byte[], byte[]> producer;
    final EsConnection es;
    /**
     * The elasticsearch section's authentication and trust lines of {@link #yaml}: by default the endpoint's
     * credentials and the CA given to the constructor; a test may replace them (e.g. with an api_key).
     */
    String elasticsearchSecurity;
    /** Port for /health and /metrics of sinks this harness starts; 0 (the default) serves none. */
    int metricsPort;

    SinkHarness(KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch, int partitions) {
        this(kafka, elasticsearch, partitions, null);
    }

    /** @param caCertificate PEM of the CA that signed an {@code https://} node's certificate, or null */
    SinkHarness(KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch, int partitions, java.nio.file.Path caCertificate) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.topic = kafka.createFreshTopic("sinkit", partitions);
        this.deadLetterTopic = kafka.createFreshTopic("sinkit_dlq", 1);
        this.prefix = "it" + PREFIXES.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 100_000, 36) + "_";
        this.group = "group-" + prefix;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.es = new EsConnection(new ElasticsearchConfig(List.of(elasticsearch.url()),
                elasticsearch.credentials().map(ElasticsearchEndpoint.Credentials::username).orElse(null),
                elasticsearch.credentials().map(c -> new dev.pgcdc.common.config.Secret(c.password())).orElse(null),
                null, prefix, caCertificate, null), Duration.ofSeconds(30));
        this.elasticsearchSecurity = elasticsearch.credentials()
                .map(c -> "  username: " + c.username() + "\n  password: " + c.password() + "\n").orElse("")
                + (caCertificate == null ? "" : "  ca_certificate: " + caCertificate + "\n");
    }

    String yaml(String group, String extraSink) {
        return "kafka:\n"
                + "  brokers: [" + kafka.bootstrapServers() + "]\n"
                + "  topic: " + topic + "\n"
                + "  groupID: " + group + "\n"
                + "  dead_letter_topic: " + deadLetterTopic + "\n"
                + "elasticsearch:\n"
                + "  addresses: [" + elasticsearch.url() + "]\n"
                + elasticsearchSecurity
                + "  indexPrefix: " + prefix + "\n"
                + "metrics:\n"
                + "  host: 127.0.0.1\n"
                + "  sink_port: " + metricsPort + "\n"
                + "  replicator_port: 0\n"
                + "sink:\n"
                + (extraSink.contains("flush_interval:") ? "" : "  flush_interval: 100ms\n")
                + "  retry_max_backoff: 2s\n"
                + extraSink;
    }

    PgcdcConfig config(String group, String extraSink) {
        return ConfigLoader.parse(yaml(group, extraSink), "test", Daemon.SINK, System::getenv);
    }

    /** A sink running on its own thread; {@link #close()} stops it like SIGTERM does. */
    final class Running implements AutoCloseable {
        final Main.Sink sink;
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Running(PgcdcConfig config) {
            sink = new Main.Sink(config);
            thread = new Thread(() -> {
                try {
                    sink.run();
                } catch (Throwable e) {
                    failure.set(e);
                    org.slf4j.LoggerFactory.getLogger(SinkHarness.class).error("the sink under test failed", e);
                }
            }, "sink-under-test");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            sink.shutdown();
            thread.join(15_000);
            if (thread.isAlive()) {
                throw new AssertionError("the sink did not stop within 15 s");
            }
            if (failure.get() != null) {
                throw new AssertionError("the sink under test failed: " + failure.get(), failure.get());
            }
        }
    }

    Running start(String extraSink) {
        return new Running(config(group, extraSink));
    }

    java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(ChangeEvent event) {
        return producer.send(new ProducerRecord<>(topic, ChangeEventCodec.encodeKey(event), ChangeEventCodec.encode(event)));
    }

    void sendTo(int partition, ChangeEvent event) {
        producer.send(new ProducerRecord<>(topic, partition, ChangeEventCodec.encodeKey(event), ChangeEventCodec.encode(event)));
    }

    void sendRaw(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    void flush() {
        producer.flush();
    }

    ElasticsearchClient client() {
        return es.client();
    }

    /** Every document of {@code index} (after a refresh), by id. Empty when the index does not exist. */
    Map<String, ObjectNode> documents(String index) {
        try {
            client().indices().refresh(r -> r.index(index).ignoreUnavailable(true).allowNoIndices(true));
            SearchResponse<ObjectNode> response = client().search(s -> s.index(index).ignoreUnavailable(true)
                    .allowNoIndices(true).size(10_000), ObjectNode.class);
            Map<String, ObjectNode> result = new TreeMap<>();
            for (Hit<ObjectNode> hit : response.hits().hits()) {
                result.put(hit.id(), hit.source());
            }
            return result;
        } catch (Exception e) {
            throw new AssertionError("cannot read index " + index + ": " + e, e);
        }
    }

    long count(String index) {
        try {
            client().indices().refresh(r -> r.index(index).ignoreUnavailable(true).allowNoIndices(true));
            return client().count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true)).count();
        } catch (Exception e) {
            return -1;
        }
    }

    String mirror(String table) {
        return prefix + "public_" + table;
    }

    Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot read committed offsets of " + group + ": " + e, e);
        }
    }

    long committedTotal(String group) {
        return committed(group).values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        es.close();
    }
}
