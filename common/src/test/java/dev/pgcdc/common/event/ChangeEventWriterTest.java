package dev.pgcdc.common.event;

import static dev.pgcdc.common.event.TestEvents.TS_MS;
import static dev.pgcdc.common.event.TestEvents.object;
import static dev.pgcdc.common.event.TestEvents.source;
import static dev.pgcdc.common.event.TestEvents.userColumns;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
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

        for (ChangeEvent event : events()) {
            byte[] bytes = writer.event(event);

            assertThat(new String(bytes, UTF_8)).isEqualTo(new String(REFERENCE.writeValueAsBytes(event), UTF_8));
            assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(event);
        }
    }

    @Test
    void writesTheSameKeysAsAnObjectTreeInKeyOrder() throws JsonProcessingException {
        ChangeEventWriter writer = new ChangeEventWriter();

        for (ChangeEvent event : events()) {
            assertThat(new String(writer.key(event), UTF_8)).isEqualTo(referenceKey(event));
        }
    }

    @Test
    void aWriterReusedForManyEventsWritesEachAlone() {
        ChangeEventWriter writer = new ChangeEventWriter();
        List<ChangeEvent> events = events();
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

    private static List<ChangeEvent> events() {
        List<ChangeEvent> events = new ArrayList<>();
        ObjectNode everyKind = object()
                .put("id", 42L)
                .put("i", -7)
                .put("s", (short) 12)
                .put("big", new BigInteger("123456789012345678901234567890"))
                .put("f", 1.1f)
                .put("d", 0.1)
                .put("n", new BigDecimal("-0.000000100"))
                .put("neg_scale", new BigDecimal("1.2E+3"))
                .put("t", true)
                .put("text", "h\u00e9llo \"w\u00f6rld\" \\ tab\tend \uD83D\uDE00 \u0001 </script>")
                .putNull("nothing");
        everyKind.putArray("arr").add(1).add("two").add(new BigDecimal("3.50")).addNull().addArray();
        everyKind.putObject("json").put("pi", new BigDecimal("3.14159")).putObject("empty");
        List<Column> columns = List.of(new Column("id", "int8", true), new Column("\u00fcml", "text", false));
        events.add(new ChangeEvent(null, everyKind, Op.CREATE, TS_MS, source("public", "every"), object().put("id", 42L),
                columns, List.of()));
        events.add(new ChangeEvent(everyKind, everyKind.deepCopy().put("i", 8), Op.UPDATE, TS_MS,
                source("sch\u00e9ma", "t\u00e4ble"), object().put("id", 42L), columns, List.of("big", "text")));
        events.add(new ChangeEvent(everyKind, null, Op.DELETE, TS_MS, source("public", "every"), object().put("id", 42L),
                columns, List.of()));
        events.add(new ChangeEvent(null, null, Op.TRUNCATE, TS_MS, source("public", "every"), null, columns, List.of()));
        Source snapshotRow = new Source(null, Source.CONNECTOR, "pgcdc", null, "public", "every", null, 0x10L, 0x10L, 0,
                TS_MS, SnapshotMarker.LAST);
        events.add(new ChangeEvent(null, object().put("id", 1L), Op.READ, TS_MS, snapshotRow, object().put("id", 1L),
                List.of(), List.of()));
        // A compound key filled in reverse order, and one with members no column describes.
        List<Column> compound = List.of(new Column("a", "int4", true), new Column("b", "text", false),
                new Column("c", "int4", true));
        events.add(new ChangeEvent(null, object().put("a", 1).put("b", "x").put("c", 3), Op.CREATE, TS_MS,
                source("public", "compound"), object().put("c", 3).put("a", 1), compound, List.of()));
        events.add(new ChangeEvent(null, object().put("a", 1), Op.CREATE, TS_MS, source("public", "compound"),
                object().put("z", 2).put("a", 1).put("m", "x"), compound, List.of()));
        return events;
    }

    private static ChangeEvent row(List<Column> columns, ObjectNode after) {
        String key = columns.get(0).name();
        return new ChangeEvent(null, after, Op.CREATE, TS_MS, source("public", "t"),
                object().set(key, after.get(key)), columns, List.of());
    }

    /** The key as the codec built it before the streaming writer: an ObjectNode written by the mapper. */
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
                    ordered.set(column, key.get(column));
                }
            }
            TreeSet<String> others = new TreeSet<>();
            key.fieldNames().forEachRemaining(others::add);
            others.forEach(name -> ordered.putIfAbsent(name, key.get(name)));
        }
        return ChangeEventCodec.MAPPER.writeValueAsString(node);
    }
}
