package dev.pgcdc.common.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
}
