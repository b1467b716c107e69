package dev.pgcdc.common.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Builders for the change events the codec tests encode. */
final class TestEvents {

    static final long TS_MS = 1_714_564_800_123L;

    private TestEvents() {
    }

    static ObjectNode object() {
        return ChangeEventCodec.MAPPER.createObjectNode();
    }

    static Source source(String schema, String table) {
        return new Source("0.1.0", Source.CONNECTOR, "pgcdc", "mydb", schema, table, 771L,
                0x16_0300_2D50L, 0x16_0300_2E00L, 3, TS_MS - 5, SnapshotMarker.FALSE);
    }

    static List<Column> userColumns() {
        return List.of(new Column("id", "int8", true), new Column("name", "text", false), new Column("bio", "text", false));
    }

    static ObjectNode userKey(long id) {
        return object().put("id", id);
    }

    static ObjectNode user(long id, String name) {
        return object().put("id", id).put("name", name).put("bio", "hello");
    }

    static ChangeEvent insert(ObjectNode after) {
        return new ChangeEvent(null, after, Op.CREATE, TS_MS, source("public", "users"), userKey(after.get("id").asLong()),
                userColumns(), List.of());
    }

    static ChangeEvent delete(ObjectNode before) {
        return new ChangeEvent(before, null, Op.DELETE, TS_MS, source("public", "users"), userKey(before.get("id").asLong()),
                userColumns(), List.of());
    }

    /**
     * Events with every kind of value and of envelope: numbers of every node type, escapes, nested rows,
     * each row object absent in turn, unchanged TOAST columns, a truncate, a snapshot row without
     * transaction id, compound keys filled in another order and keys with members no column describes.
     */
    static List<ChangeEvent> everyKindOfEvent() {
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
        // As the replicator carries jsonb: PostgreSQL's text, unparsed.
        everyKind.putRawValue("jsonb", new RawValue("{\"a\": [1, 2.50, null], \"o\": {}, \"s\": \"x\\u001f\"}"));
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
        // A jsonb key column, raw as the replicator carries it.
        List<Column> jsonbKey = List.of(new Column("doc", "jsonb", true));
        ObjectNode rawKey = object().putRawValue("doc", new RawValue("{\"k\": [1, \"x y\"]}"));
        events.add(new ChangeEvent(null, rawKey.deepCopy(), Op.CREATE, TS_MS, source("public", "docs"), rawKey, jsonbKey,
                List.of()));
        return events;
    }
}
