package dev.pgcdc.common.event;

import static dev.pgcdc.common.event.EventMembers.AFTER;
import static dev.pgcdc.common.event.EventMembers.BEFORE;
import static dev.pgcdc.common.event.EventMembers.COLUMNS;
import static dev.pgcdc.common.event.EventMembers.COMMIT_LSN;
import static dev.pgcdc.common.event.EventMembers.CONNECTOR;
import static dev.pgcdc.common.event.EventMembers.DB;
import static dev.pgcdc.common.event.EventMembers.KEY;
import static dev.pgcdc.common.event.EventMembers.LSN;
import static dev.pgcdc.common.event.EventMembers.NAME;
import static dev.pgcdc.common.event.EventMembers.OP;
import static dev.pgcdc.common.event.EventMembers.SCHEMA;
import static dev.pgcdc.common.event.EventMembers.SEQUENCE;
import static dev.pgcdc.common.event.EventMembers.SNAPSHOT;
import static dev.pgcdc.common.event.EventMembers.SOURCE;
import static dev.pgcdc.common.event.EventMembers.TABLE;
import static dev.pgcdc.common.event.EventMembers.TS_MS;
import static dev.pgcdc.common.event.EventMembers.TX_ID;
import static dev.pgcdc.common.event.EventMembers.TYPE;
import static dev.pgcdc.common.event.EventMembers.UNCHANGED_TOAST;
import static dev.pgcdc.common.event.EventMembers.VERSION;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Writes change events and their keys as JSON with one long-lived streaming generator into one
 * reusable buffer: the bytes {@link ChangeEventCodec#MAPPER} would write for the record (same members,
 * order and number forms), without the data-binding layer's per-call serializer provider, reflective
 * record access and fresh buffers. The {@code columns} array, the same for every row of a table, is
 * written once per table shape and then copied as bytes. A component added to {@link ChangeEvent} or
 * {@link Source} must be added here too (Column goes through the mapper): ChangeEventWriterTest
 * compares the bytes with the mapper's. And to {@link ChangeEventReader}, or every decode falls back
 * to data binding: ChangeEventReaderTest checks that the reader reads what this writer writes.
 *
 * <p>Not thread-safe: {@link ChangeEventCodec} keeps one per thread.
 */
final class ChangeEventWriter {


    /** Enough for the table shapes of any one database; past it the cache starts over. */
    private static final int MAX_CACHED_SHAPES = 1024;

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(2048);
    private final Map<List<Column>, SerializedString> columnsJson = new HashMap<>();
    private JsonGenerator generator;
    private List<Column> lastColumns;
    private SerializedString lastColumnsJson;
    private final Map<SourceHead, SourceHead> sourceHeads = new HashMap<>();
    private SourceHead lastSourceHead;

    byte[] event(ChangeEvent event) {
        try {
            JsonGenerator g = generator();
            g.writeStartObject();
            g.writeFieldName(BEFORE);
            writeObjectOrNull(g, event.before());
            g.writeFieldName(AFTER);
            writeObjectOrNull(g, event.after());
            g.writeFieldName(OP);
            g.writeString(event.op().code());
            g.writeFieldName(TS_MS);
            g.writeNumber(event.tsMs());
            g.writeFieldName(SOURCE);
            writeSource(g, event.source());
            g.writeFieldName(KEY);
            writeObjectOrNull(g, event.key());
            g.writeFieldName(COLUMNS);
            g.writeRawValue(columnsJson(event.columns()));
            if (!event.unchangedToast().isEmpty()) {
                g.writeFieldName(UNCHANGED_TOAST);
                g.writeStartArray();
                for (String column : event.unchangedToast()) {
                    g.writeString(column);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            return bytes(g);
        } catch (IOException e) {
            discard();
            throw new UncheckedIOException("could not serialise change event of " + event.source().qualifiedTable(), e);
        } catch (RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** See {@link ChangeEventCodec#encodeKey} for the format. */
    byte[] key(ChangeEvent event) {
        try {
            JsonGenerator g = generator();
            g.writeStartObject();
            g.writeFieldName(SCHEMA);
            g.writeString(event.source().schema());
            g.writeFieldName(TABLE);
            g.writeString(event.source().table());
            g.writeFieldName(KEY);
            ObjectNode key = event.key();
            if (key == null) {
                g.writeNull();
            } else {
                writeKeyInKeyOrder(g, event.columns(), key);
            }
            g.writeEndObject();
            return bytes(g);
        } catch (IOException e) {
            discard();
            throw new UncheckedIOException("could not serialise the key of " + event.source().qualifiedTable(), e);
        } catch (RuntimeException e) {
            discard();
            throw e;
        }
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            // Through the mapper, so the generator has its features (plain BigDecimals, UTF-8 surrogates).
            generator = ChangeEventCodec.MAPPER.createGenerator(buffer);
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /** After a failed write the generator's state is unknown: the next call starts a new one. */
    private void discard() {
        generator = null;
        buffer.reset();
    }

    private byte[] bytes(JsonGenerator g) throws IOException {
        g.flush();
        byte[] bytes = buffer.toByteArray();
        buffer.reset();
        return bytes;
    }

    private void writeSource(JsonGenerator g, Source source) throws IOException {
        g.writeStartObject();
        g.writeFieldName(VERSION);
        // The rest of the table's members go out as one raw value; the generator adds the comma before txId.
        g.writeRawValue(sourceHead(source));
        g.writeFieldName(TX_ID);
        if (source.txId() == null) {
            g.writeNull();
        } else {
            g.writeNumber(source.txId().longValue());
        }
        g.writeFieldName(LSN);
        g.writeNumber(source.lsn());
        g.writeFieldName(COMMIT_LSN);
        g.writeNumber(source.commitLsn());
        g.writeFieldName(SEQUENCE);
        g.writeNumber(source.sequence());
        g.writeFieldName(TS_MS);
        g.writeNumber(source.tsMs());
        g.writeFieldName(SNAPSHOT);
        g.writeString(source.snapshot().text());
        g.writeEndObject();
    }

    /**
     * The source's version, connector, name, db, schema and table as JSON, from the version's value to
     * the table's: the same for every event of a table, so written once per table and then copied.
     */
    private SerializedString sourceHead(Source source) throws IOException {
        SourceHead last = lastSourceHead;
        if (last != null && last.matches(source)) {
            return last.json;
        }
        SourceHead head = sourceHeads.get(new SourceHead(source, null));
        if (head == null) {
            if (sourceHeads.size() >= MAX_CACHED_SHAPES) {
                sourceHeads.clear();
            }
            ByteArrayBuilder bytes = new ByteArrayBuilder(128);
            try (JsonGenerator g = ChangeEventCodec.MAPPER.createGenerator(bytes)) {
                g.writeStartObject();
                g.writeFieldName(VERSION);
                writeStringOrNull(g, source.version());
                g.writeFieldName(CONNECTOR);
                writeStringOrNull(g, source.connector());
                g.writeFieldName(NAME);
                writeStringOrNull(g, source.name());
                g.writeFieldName(DB);
                writeStringOrNull(g, source.db());
                g.writeFieldName(SCHEMA);
                g.writeString(source.schema());
                g.writeFieldName(TABLE);
                g.writeString(source.table());
                g.writeEndObject();
            }
            // From after {"version": to before the closing brace.
            String object = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
            String json = object.substring(VERSION.charLength() + 4, object.length() - 1);
            head = new SourceHead(source, new SerializedString(json));
            sourceHeads.put(head, head);
        }
        lastSourceHead = head;
        return head.json;
    }

    /** A source's table members (equality and hash over them) and their JSON. */
    private static final class SourceHead {
        final String version;
        final String connector;
        final String name;
        final String db;
        final String schema;
        final String table;
        final SerializedString json;

        SourceHead(Source source, SerializedString json) {
            this.version = source.version();
            this.connector = source.connector();
            this.name = source.name();
            this.db = source.db();
            this.schema = source.schema();
            this.table = source.table();
            this.json = json;
        }

        /** Reference checks first: a table's events share these strings. */
        boolean matches(Source source) {
            return same(version, source.version()) && same(connector, source.connector()) && same(name, source.name())
                    && same(db, source.db()) && same(schema, source.schema()) && same(table, source.table());
        }

        private static boolean same(String a, String b) {
            return a == b || a != null && a.equals(b);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SourceHead that && same(version, that.version) && same(connector, that.connector)
                    && same(name, that.name) && same(db, that.db) && schema.equals(that.schema)
                    && table.equals(that.table);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, connector, name, db, schema, table);
        }
    }

    /** Key columns first in key order, then (defensively) any other key members by name. */
    private static void writeKeyInKeyOrder(JsonGenerator g, List<Column> columns, ObjectNode key) throws IOException {
        g.writeStartObject();
        int written = 0;
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            if (column.key()) {
                JsonNode value = key.get(column.name());
                if (value != null) {
                    g.writeFieldName(column.name());
                    writeKeyValue(g, value);
                    written++;
                }
            }
        }
        if (written < key.size()) {
            TreeSet<String> others = new TreeSet<>();
            key.fieldNames().forEachRemaining(others::add);
            for (Column column : columns) {
                if (column.key()) {
                    others.remove(column.name());
                }
            }
            for (String name : others) {
                g.writeFieldName(name);
                writeKeyValue(g, key.get(name));
            }
        }
        g.writeEndObject();
    }

    /**
     * A record key's bytes choose its partition, so they must not depend on how a value was carried:
     * a raw JSON object, array or string (jsonb) is written as its parsed tree, compact, as every other
     * value is. A raw number (numeric, or a jsonb number) is already what its tree would write.
     */
    private static void writeKeyValue(JsonGenerator g, JsonNode value) throws IOException {
        String raw = rawJson(value);
        boolean compact = raw == null || raw.isEmpty() || "{[\"".indexOf(raw.charAt(0)) < 0;
        writeValue(g, compact ? value : ChangeEventCodec.MAPPER.readTree(raw));
    }

    /** The text of a raw JSON value (a {@link RawValue} text in a {@link POJONode}), else null. */
    static String rawJson(JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw
                && raw.rawValue() instanceof String json ? json : null;
    }

    private SerializedString columnsJson(List<Column> columns) throws IOException {
        if (columns == lastColumns) {
            return lastColumnsJson;
        }
        SerializedString json = columnsJson.get(columns);
        if (json == null) {
            if (columnsJson.size() >= MAX_CACHED_SHAPES) {
                columnsJson.clear();
            }
            json = new SerializedString(ChangeEventCodec.MAPPER.writeValueAsString(columns));
            columnsJson.put(columns, json);
        }
        lastColumns = columns;
        lastColumnsJson = json;
        return json;
    }

    private static void writeStringOrNull(JsonGenerator g, String text) throws IOException {
        if (text == null) {
            g.writeNull();
        } else {
            g.writeString(text);
        }
    }

    private static void writeObjectOrNull(JsonGenerator g, ObjectNode object) throws IOException {
        if (object == null) {
            g.writeNull();
        } else {
            writeValue(g, object);
        }
    }

    /**
     * Writes a tree as {@code JsonNode.serialize} does under the mapper's settings, without a
     * serializer provider: a raw JSON value (a {@link RawValue} text in a {@link POJONode}, as the
     * replicator carries jsonb) is copied as it is; node kinds the change events do not hold go
     * through the mapper.
     */
    static void writeValue(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> member : ((ObjectNode) node).properties()) {
                    g.writeFieldName(member.getKey());
                    writeValue(g, member.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                ArrayNode array = (ArrayNode) node;
                g.writeStartArray(array, array.size());
                for (int i = 0; i < array.size(); i++) {
                    writeValue(g, array.get(i));
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    case DOUBLE -> g.writeNumber(node.doubleValue());
                    case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                    default -> ChangeEventCodec.MAPPER.writeTree(g, node);
                }
            }
            case POJO -> {
                String raw = rawJson(node);
                if (raw != null) {
                    g.writeRawValue(raw);
                } else {
                    ChangeEventCodec.MAPPER.writeTree(g, node);
                }
            }
            default -> ChangeEventCodec.MAPPER.writeTree(g, node);
        }
    }
}
