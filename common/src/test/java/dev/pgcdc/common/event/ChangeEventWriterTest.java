package dev.pgcdc.common.event;

import static dev.pgcdc.common.event.TestEvents.TS_MS;
import static dev.pgcdc.common.event.TestEvents.object;
import static dev.pgcdc.common.event.TestEvents.source;
import static dev.pgcdc.common.event.TestEvents.userColumns;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The streaming writer against the data-binding serialisation it replaced: same bytes for every kind
 * of value, for every field of the envelope, and for the keys, also when one writer encodes many events.
 */
class ChangeEventWriterTest {

    /** What {@code ChangeEventCodec.encode} was before the streaming writer: the mapper's bean serialiser. */
    private static final ObjectWriter REFERENCE = ChangeEventCodec.MAPPER.writerFor(ChangeEvent.class);

    @Test
    void writesTheSameBytesAsTheMapperForEveryKindOfValue() throws JsonProcessingException {
        ChangeEventWriter writer = new ChangeEventWriter();

        for (ChangeEvent event : TestEvents.everyKindOfEvent()) {
            byte[] bytes = writer.event(event);

            assertThat(new String(bytes, UTF_8)).isEqualTo(new String(REFERENCE.writeValueAsBytes(event), UTF_8));
            assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(event);
        }
    }

    @Test
    void writesTheSameKeysAsAnObjectTreeInKeyOrder() throws JsonProcessingException {
        ChangeEventWriter writer = new ChangeEventWriter();

        for (ChangeEvent event : TestEvents.everyKindOfEvent()) {
            assertThat(new String(writer.key(event), UTF_8)).isEqualTo(referenceKey(event));
        }
    }

    @Test
    void writesARawValueAsItIsInTheEventButCompactInTheRecordKey() {
        ChangeEventWriter writer = new ChangeEventWriter();
        ObjectNode row = object().putRawValue("doc", new RawValue("{\"k\": [1, \"x, y\"], \"s\": \"\\u001f\"}"));
        ChangeEvent event = new ChangeEvent(null, row, Op.CREATE, TS_MS, source("public", "docs"), row,
                List.of(new Column("doc", "jsonb", true)), List.of());

        assertThat(new String(writer.event(event), UTF_8))
                .startsWith("{\"before\":null,\"after\":{\"doc\":{\"k\": [1, \"x, y\"], \"s\": \"\\u001f\"}},");
        assertThat(new String(writer.key(event), UTF_8))
                .isEqualTo("{\"schema\":\"public\",\"table\":\"docs\",\"key\":{\"doc\":{\"k\":[1,\"x, y\"],\"s\":\"\\u001F\"}}}");
    }

    @Test
    void writesARawNumberAsItIsInTheRecordKey() {
        ChangeEventWriter writer = new ChangeEventWriter();
        ObjectNode row = object().putRawValue("price", new RawValue("-0.000000100"));
        ChangeEvent event = new ChangeEvent(null, row, Op.CREATE, TS_MS, source("public", "prices"), row,
                List.of(new Column("price", "numeric", true)), List.of());

        assertThat(new String(writer.key(event), UTF_8))
                .isEqualTo("{\"schema\":\"public\",\"table\":\"prices\",\"key\":{\"price\":-0.000000100}}");
    }

    @Test
    void writesEachSourceAsItIsWhenSourcesAlternate() throws JsonProcessingException {
        ChangeEventWriter writer = new ChangeEventWriter();
        List<Source> sources = List.of(
                new Source("1", Source.CONNECTOR, "slot_a", "db", "public", "t", 1L, 1, 2, 0, TS_MS, SnapshotMarker.FALSE),
                new Source("1", Source.CONNECTOR, "slot_b", "db", "public", "t", 1L, 1, 2, 0, TS_MS, SnapshotMarker.FALSE),
                new Source("1", Source.CONNECTOR, "slot_a", null, "public", "t", 1L, 1, 2, 0, TS_MS, SnapshotMarker.FALSE),
                new Source(null, Source.CONNECTOR, "slot_a", "db", "public", "t", 1L, 1, 2, 0, TS_MS, SnapshotMarker.FALSE),
                new Source("1", Source.CONNECTOR, "slot_a", "db", "p\u00fcblic", "t\"", 1L, 1, 2, 0, TS_MS, SnapshotMarker.TRUE));
        List<Column> columns = List.of(new Column("id", "int8", true));
        for (int round = 0; round < 2; round++) {
            for (Source source : sources) {
                ChangeEvent event = new ChangeEvent(null, object().put("id", 1L), Op.CREATE, TS_MS, source,
                        object().put("id", 1L), columns, List.of());
                assertThat(new String(writer.event(event), UTF_8)).as("%s", source)
                        .isEqualTo(new String(REFERENCE.writeValueAsBytes(event), UTF_8));
            }
        }
    }

    @Test
    void aWriterReusedForManyEventsWritesEachAlone() {
        ChangeEventWriter writer = new ChangeEventWriter();
        List<ChangeEvent> events = TestEvents.everyKindOfEvent();
        List<byte[]> first = new ArrayList<>();
        for (ChangeEvent event : events) {
            first.add(writer.event(event));
            writer.key(event);
        }

        for (int i = 0; i < events.size(); i++) {
            assertThat(new ChangeEventWriter().event(events.get(i))).as("event %d", i).isEqualTo(first.get(i));
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehindForTheNextEvent() throws JsonProcessingException {
        ChangeEventWriter writer = new ChangeEventWriter();
        ObjectNode tooDeep = object().put("id", 1L);
        ObjectNode level = tooDeep.putObject("nested");
        for (int depth = 0; depth < 1_500; depth++) {
            level = level.putObject("n");  // beyond Jackson's write nesting limit (1000)
        }
        ChangeEvent failing = row(userColumns(), tooDeep);
        ChangeEvent next = row(userColumns(), object().put("id", 2L).put("name", "bo"));

        assertThatThrownBy(() -> writer.event(failing)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("public.t");

        assertThat(new String(writer.event(next), UTF_8)).isEqualTo(new String(REFERENCE.writeValueAsBytes(next), UTF_8));
    }

    @Test
    void columnsOfDifferentTablesAreNotMixedUp() {
        ChangeEventWriter writer = new ChangeEventWriter();
        List<Column> orders = List.of(new Column("order_id", "int4", true), new Column("total", "numeric", false));
        ChangeEvent user = row(userColumns(), object().put("id", 1L).put("name", "ann").put("bio", "b"));
        ChangeEvent order = row(orders, object().put("order_id", 7).put("total", new BigDecimal("9.90")));
        ChangeEvent sameShapeOtherList = row(new ArrayList<>(userColumns()), object().put("id", 2L).put("name", "bo"));

        for (ChangeEvent event : List.of(user, order, user, sameShapeOtherList, order)) {
            assertThat(ChangeEventCodec.decode(writer.event(event))).isEqualTo(event);
        }
    }

    private static ChangeEvent row(List<Column> columns, ObjectNode after) {
        String key = columns.get(0).name();
        return new ChangeEvent(null, after, Op.CREATE, TS_MS, source("public", "t"),
                object().set(key, after.get(key)), columns, List.of());
    }

    /** The key as the codec built it before the streaming writer: an ObjectNode written by the mapper. */
    /** Keys are written from trees: a raw JSON value as the tree it parses to. */
    private static JsonNode parsedIfRaw(JsonNode value) {
        String raw = ChangeEventWriter.rawJson(value);
        try {
            return raw == null ? value : ChangeEventCodec.MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String referenceKey(ChangeEvent event) throws JsonProcessingException {
        ObjectNode node = object();
        node.put("schema", event.source().schema());
        node.put("table", event.source().table());
        ObjectNode key = event.key();
        if (key == null) {
            node.putNull("key");
        } else {
            ObjectNode ordered = node.putObject("key");
            for (String column : event.keyColumns()) {
                if (key.get(column) != null) {
                    ordered.set(column, parsedIfRaw(key.get(column)));
                }
            }
            TreeSet<String> others = new TreeSet<>();
            key.fieldNames().forEachRemaining(others::add);
            others.forEach(name -> ordered.putIfAbsent(name, parsedIfRaw(key.get(name))));
        }
        return ChangeEventCodec.MAPPER.writeValueAsString(node);
    }
}
