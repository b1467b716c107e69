package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.sink.kafka.DeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * json/jsonb values of every shape against real Elasticsearch, under both {@code json_mapping}s: values a
 * {@code flattened} or {@code object} field rejects are stored as {@code {"_value": v}}, everything else as
 * it is, and no row is dead-lettered for its shape alone.
 */
@ExtendWith(EnginesExtension.class)
@Timeout(180)
class JsonColumnsIT {

    private static final List<Column> COLUMNS = List.of(new Column("id", "int4", true), new Column("j", "jsonb", false),
            new Column("bio", "text", false));

    /** jsonb value as PostgreSQL holds it → the document's field as the README states it is stored. */
    private static final Map<String, String> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("{\"a\":1,\"b\":{\"c\":\"x\"}}", "{\"a\":1,\"b\":{\"c\":\"x\"}}");
        SHAPES.put("\"text\"", "{\"_value\":\"text\"}");
        SHAPES.put("42", "{\"_value\":42}");
        SHAPES.put("1.5", "{\"_value\":1.5}");
        SHAPES.put("true", "{\"_value\":true}");
        SHAPES.put("null", "null");
        SHAPES.put("[]", "[]");
        SHAPES.put("[1,\"two\",false,null]", "{\"_value\":[1,\"two\",false,null]}");
        SHAPES.put("[{\"a\":1},{\"b\":[\"x\",\"y\"]},null]", "[{\"a\":1},{\"b\":[\"x\",\"y\"]},null]");
        SHAPES.put("[[1,2],[3]]", "{\"_value\":[[1,2],[3]]}");
        SHAPES.put("[[{\"a\":1}],[]]", "[[{\"a\":1}],[]]");
        SHAPES.put("[1,{\"a\":1}]", "{\"_value\":[1,{\"a\":1}]}");
        SHAPES.put("{\"_value\":\"text\"}", "{\"_value\":{\"_value\":\"text\"}}");
    }

    private final KafkaEndpoint kafka;
    private final ElasticsearchEndpoint elasticsearch;

    JsonColumnsIT(KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    private static JsonNode json(String text) {
        try {
            return ChangeEventCodec.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A field of a stored document, read like the expected values (numbers as decimals); null when absent. */
    private static JsonNode stored(ObjectNode document, String field) {
        return document.has(field) ? json(document.get(field).toString()) : null;
    }

    private static ChangeEvent insert(String table, long commitLsn, List<Column> columns, ObjectNode after) {
        return new ChangeEvent(null, after, Op.CREATE, 1L, TestEvents.source(table, commitLsn, 0),
                row("id", after.get("id").intValue()), columns, List.of());
    }

    @Test
    void shouldIndexEveryJsonShapeInOneFlattenedFieldWrappingTheRejectedOnes() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 2)) {
            int id = 0;
            for (String value : SHAPES.keySet()) {
                id++;
                ObjectNode after = row("id", id, "bio", "bio " + id);
                after.set("j", json(value));
                h.send(insert("shapes", 100 + id, COLUMNS, after));
            }
            // A jsonb[] column maps like jsonb, and an update with an unchanged TOAST column (bio) is applied as a
            // merge of the stored document with the changed columns: both wrap too.
            List<Column> withArray = new ArrayList<>(COLUMNS);
            withArray.add(new Column("ja", "_jsonb", false));
            ObjectNode arrays = row("id", 100, "bio", "long bio");
            arrays.set("j", json("{\"a\":1}"));
            arrays.set("ja", json("[\"x\",{\"a\":1}]"));
            h.send(insert("shapes", 200, withArray, arrays));
            ObjectNode changed = row("id", 100);
            changed.set("j", json("\"now a string\""));
            changed.set("ja", json("[{\"a\":2}]"));
            h.send(new ChangeEvent(null, changed, Op.UPDATE, 1L, TestEvents.source("shapes", 300, 0), row("id", 100),
                    withArray, List.of("bio")));
            h.flush();
            int events = SHAPES.size() + 2;
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.committedTotal(h.group) == events);
            }

            Map<String, ObjectNode> docs = h.documents(h.mirror("shapes"));
            assertThat(docs).as("every row is indexed").hasSize(SHAPES.size() + 1);
            id = 0;
            for (Map.Entry<String, String> shape : SHAPES.entrySet()) {
                id++;
                assertThat(stored(docs.get(Integer.toString(id)), "j")).as("jsonb %s", shape.getKey())
                        .isEqualTo(json(shape.getValue()));
            }
            ObjectNode merged = docs.get("100");
            assertThat(stored(merged, "j")).isEqualTo(json("{\"_value\":\"now a string\"}"));
            assertThat(stored(merged, "ja")).isEqualTo(json("[{\"a\":2}]"));
            assertThat(merged.get("bio").asText()).isEqualTo("long bio");
            assertThat(deadLettered(h)).as("nothing is dead-lettered").isEmpty();

            // Searchable: by the wrapping's key, and (flattened) by the field itself.
            assertThat(ids(h, "j._value", "text")).containsExactly("2");
            assertThat(ids(h, "j", "now a string")).containsExactly("100");
            assertThat(ids(h, "j._value", "two")).containsExactly("8");
        }
    }

    @Test
    void shouldIndexEveryJsonShapeUnderTheObjectMappingWithTypedWrappedValues() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            // One column per shape: under 'object' a sub-field's type comes from the first value it sees, so
            // a column holding 42 in one row and "text" in another conflicts, wrapped or not (README).
            Map<String, String> shapes = new LinkedHashMap<>(SHAPES);
            shapes.remove("[1,\"two\",false,null]");
            shapes.put("[\"a\",null,\"b\"]", "{\"_value\":[\"a\",null,\"b\"]}");
            shapes.remove("[1,{\"a\":1}]");
            List<Column> columns = new ArrayList<>(List.of(new Column("id", "int4", true)));
            ObjectNode after = row("id", 1);
            int n = 0;
            for (String value : shapes.keySet()) {
                String name = "j" + (++n);
                columns.add(new Column(name, n % 2 == 0 ? "json" : "jsonb", false));
                after.set(name, json(value));
            }
            h.send(insert("shapes", 100, columns, after));
            // An array mixing scalars and objects: 'object' cannot map _value as both, so this row is refused
            // (as it would be for such an array inside an object).
            ObjectNode mixed = row("id", 2);
            mixed.set("j", json("[1,{\"a\":1}]"));
            h.send(insert("mixed", 200, COLUMNS, mixed));
            h.flush();
            try (SinkHarness.Running sink = h.start("  json_mapping: object\n")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.committedTotal(h.group) == 2);
            }

            ObjectNode doc = h.documents(h.mirror("shapes")).get("1");
            assertThat(doc).as("the row is indexed").isNotNull();
            n = 0;
            for (Map.Entry<String, String> shape : shapes.entrySet()) {
                String name = "j" + (++n);
                assertThat(stored(doc, name)).as("%s = %s", name, shape.getKey()).isEqualTo(json(shape.getValue()));
            }
            // Wrapped numbers stay numbers: a range query finds 42 (column j3).
            SearchResponse<ObjectNode> range = h.client().search(s -> s.index(h.mirror("shapes"))
                    .query(q -> q.range(r -> r.number(nr -> nr.field("j3._value").gte(40.0).lte(50.0)))), ObjectNode.class);
            assertThat(range.hits().hits()).hasSize(1);
            assertThat(ids(h, "j2._value", "text")).containsExactly("1");

            List<ConsumerRecord<byte[], byte[]>> dead = deadLettered(h);
            assertThat(dead).as("only the row with a mixed array").hasSize(1);
            assertThat(new String(dead.get(0).headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .contains("HTTP 400");
        }
    }

    private static List<String> ids(SinkHarness h, String field, String value) throws IOException {
        SearchResponse<ObjectNode> response = h.client().search(s -> s.index(h.prefix + "public_shapes")
                .query(q -> q.term(t -> t.field(field).value(value))), ObjectNode.class);
        return response.hits().hits().stream().map(co.elastic.clients.elasticsearch.core.search.Hit::id).toList();
    }

    /** Every record of the dead-letter topic (read up to its end offset). */
    private List<ConsumerRecord<byte[], byte[]>> deadLettered(SinkHarness h) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(h.deadLetterTopic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.currentTimeMillis() + 20_000;
            while (consumer.position(partition) < end && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
