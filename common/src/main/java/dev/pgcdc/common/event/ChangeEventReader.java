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

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the canonical encoding of a change event (what {@link ChangeEventWriter} writes: every member
 * present, in the writer's order) with one streaming parser, building the records directly, without the
 * data-binding layer's property buffering and the parser's duplicate-name sets. The mirror of
 * {@link ChangeEventWriter}.
 *
 * <p>It only ever accepts a subset of what {@link ChangeEventCodec}'s data-binding reader accepts, and
 * returns the event that reader would return: on anything else (another member order, an unknown,
 * missing or repeated member, a value of another JSON type such as a number written as a string, a
 * repeated name inside a row object, trailing tokens, any exception) {@link #read} returns null and the
 * caller decodes with the data-binding reader, which stays the authority for what is accepted and for
 * every error message. Rows ({@code before}, {@code after}, {@code key}) are read by the mapper's own
 * tree deserializer, so they hold the same node types.
 *
 * <p>The {@code columns} list is canonical per table: when a table's columns equal the last ones read
 * for it, the event gets that same (immutable) list instance, so consumers can recognise a known table
 * shape by identity. Likewise strings of the source and of the columns equal to the previous event's
 * are that event's instances.
 *
 * <p>Not thread-safe: {@link ChangeEventCodec} keeps one per thread.
 */
final class ChangeEventReader {


    /**
     * The deserializer data binding uses for the {@code ObjectNode} components. A repeated name fails the
     * read (data binding fails it too, through the parser's duplicate detection, which this reader's
     * parser does not do).
     */
    private static final ObjectReader ROW_READER = ChangeEventCodec.MAPPER.readerFor(ObjectNode.class)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private static final Op[] OPS = Op.values();
    private static final SnapshotMarker[] MARKERS = SnapshotMarker.values();

    /** Enough for the tables of any one database; past it the cache starts over. */
    static final int MAX_CACHED_TABLES = 1024;

    /** Thrown, without a stack trace, where the input is not in the canonical form. */
    private static final RuntimeException NOT_CANONICAL = new RuntimeException("not the canonical encoding", null,
            false, false) {
        private static final long serialVersionUID = 1L;
    };

    private final Map<TableKey, List<Column>> columnsByTable = new HashMap<>();
    private final ArrayList<Column> columnScratch = new ArrayList<>();
    private Source lastSource;
    private TableKey lastTable;

    /**
     * The event the bytes encode, or null when they are not in the canonical encoding or are not a valid
     * event (the caller then decodes them with data binding, which explains the failure).
     */
    ChangeEvent read(byte[] value) {
        try (JsonParser p = ChangeEventCodec.MAPPER.createParser(value)) {
            return event(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private ChangeEvent event(JsonParser p) throws IOException {
        expect(p.nextToken() == JsonToken.START_OBJECT);
        member(p, BEFORE);
        ObjectNode before = rowOrNull(p);
        member(p, AFTER);
        ObjectNode after = rowOrNull(p);
        member(p, OP);
        Op op = op(p);
        member(p, TS_MS);
        long tsMs = number(p);
        member(p, SOURCE);
        Source source = source(p);
        member(p, KEY);
        ObjectNode key = rowOrNull(p);
        member(p, COLUMNS);
        List<Column> columns = columns(p, source);
        List<String> unchangedToast = List.of();
        JsonToken next = p.nextToken();
        if (next == JsonToken.FIELD_NAME) {
            expect(UNCHANGED_TOAST.getValue().equals(p.currentName()));
            unchangedToast = strings(p);
            next = p.nextToken();
        }
        expect(next == JsonToken.END_OBJECT);
        expect(p.nextToken() == null);
        return new ChangeEvent(before, after, op, tsMs, source, key, columns, unchangedToast);
    }

    private Source source(JsonParser p) throws IOException {
        expect(p.nextToken() == JsonToken.START_OBJECT);
        Source last = lastSource;
        member(p, VERSION);
        String version = textOrNull(p, last == null ? null : last.version());
        member(p, CONNECTOR);
        String connector = textOrNull(p, last == null ? null : last.connector());
        member(p, NAME);
        String name = textOrNull(p, last == null ? null : last.name());
        member(p, DB);
        String db = textOrNull(p, last == null ? null : last.db());
        member(p, SCHEMA);
        String schema = text(p, last == null ? null : last.schema());
        member(p, TABLE);
        String table = text(p, last == null ? null : last.table());
        member(p, TX_ID);
        Long txId = p.nextToken() == JsonToken.VALUE_NULL ? null : Long.valueOf(currentNumber(p));
        member(p, LSN);
        long lsn = number(p);
        member(p, COMMIT_LSN);
        long commitLsn = number(p);
        member(p, SEQUENCE);
        long sequence = number(p);
        member(p, TS_MS);
        long tsMs = number(p);
        member(p, SNAPSHOT);
        SnapshotMarker snapshot = snapshot(p);
        expect(p.nextToken() == JsonToken.END_OBJECT);
        Source source = new Source(version, connector, name, db, schema, table, txId, lsn, commitLsn, sequence, tsMs,
                snapshot);
        lastSource = source;
        return source;
    }

    /** The table's cached list when the columns equal it; else a new list, which becomes the cached one. */
    private List<Column> columns(JsonParser p, Source source) throws IOException {
        expect(p.nextToken() == JsonToken.START_ARRAY);
        TableKey table = lastTable;
        // The source strings are the previous event's instances when equal, so identity finds the common case.
        if (table == null || table.schema != source.schema() || table.table != source.table()) {
            table = new TableKey(source.schema(), source.table());
            lastTable = table;
        }
        List<Column> known = columnsByTable.get(table);
        ArrayList<Column> columns = columnScratch;
        columns.clear();
        boolean same = known != null;
        JsonToken next;
        while ((next = p.nextToken()) == JsonToken.START_OBJECT) {
            Column expected = same && columns.size() < known.size() ? known.get(columns.size()) : null;
            member(p, NAME);
            String name = text(p, expected == null ? null : expected.name());
            member(p, TYPE);
            String type = text(p, expected == null ? null : expected.type());
            member(p, KEY);
            JsonToken flag = p.nextToken();
            expect(flag == JsonToken.VALUE_TRUE || flag == JsonToken.VALUE_FALSE);
            boolean isKey = flag == JsonToken.VALUE_TRUE;
            expect(p.nextToken() == JsonToken.END_OBJECT);
            if (expected != null && name == expected.name() && type == expected.type() && isKey == expected.key()) {
                columns.add(expected);
            } else {
                same = false;
                columns.add(new Column(name, type, isKey));
            }
        }
        expect(next == JsonToken.END_ARRAY);
        if (same && columns.size() == known.size()) {
            return known;
        }
        List<Column> copy = List.copyOf(columns);
        if (known == null && columnsByTable.size() >= MAX_CACHED_TABLES) {
            columnsByTable.clear();
        }
        columnsByTable.put(table, copy);
        return copy;
    }

    private static List<String> strings(JsonParser p) throws IOException {
        expect(p.nextToken() == JsonToken.START_ARRAY);
        List<String> strings = new ArrayList<>();
        JsonToken next;
        while ((next = p.nextToken()) == JsonToken.VALUE_STRING) {
            strings.add(p.getText());
        }
        expect(next == JsonToken.END_ARRAY);
        return List.copyOf(strings);
    }

    private static ObjectNode rowOrNull(JsonParser p) throws IOException {
        JsonToken token = p.nextToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(token == JsonToken.START_OBJECT);
        return ROW_READER.readValue(p);
    }

    private static Op op(JsonParser p) throws IOException {
        expect(p.nextToken() == JsonToken.VALUE_STRING);
        for (Op op : OPS) {
            if (sameText(p, op.code())) {
                return op;
            }
        }
        throw NOT_CANONICAL;
    }

    private static SnapshotMarker snapshot(JsonParser p) throws IOException {
        expect(p.nextToken() == JsonToken.VALUE_STRING);
        for (SnapshotMarker marker : MARKERS) {
            if (sameText(p, marker.text())) {
                return marker;
            }
        }
        throw NOT_CANONICAL;
    }

    private static long number(JsonParser p) throws IOException {
        p.nextToken();
        return currentNumber(p);
    }

    /** Integers only: data binding would also take a float or a string here, but the writer never writes them. */
    private static long currentNumber(JsonParser p) throws IOException {
        expect(p.currentToken() == JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();  // throws when out of range, as data binding does
    }

    private static String textOrNull(JsonParser p, String previous) throws IOException {
        if (p.nextToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        return currentText(p, previous);
    }

    private static String text(JsonParser p, String previous) throws IOException {
        p.nextToken();
        return currentText(p, previous);
    }

    /** The string value; {@code previous} itself when it is equal (null: none). */
    private static String currentText(JsonParser p, String previous) throws IOException {
        expect(p.currentToken() == JsonToken.VALUE_STRING);
        if (previous != null && sameText(p, previous)) {
            return previous;
        }
        return p.getText();
    }

    /** Compares the current string token with {@code text} without making a String of it. */
    private static boolean sameText(JsonParser p, String text) throws IOException {
        char[] chars = p.getTextCharacters();
        int length = p.getTextLength();
        if (length != text.length()) {
            return false;
        }
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void member(JsonParser p, SerializableString name) throws IOException {
        expect(p.nextFieldName(name));
    }

    private static void expect(boolean canonical) {
        if (!canonical) {
            throw NOT_CANONICAL;
        }
    }

    private record TableKey(String schema, String table) {
    }
}
