package dev.pgcdc.replicator.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.common.event.Source;
import dev.pgcdc.replicator.pgoutput.ColumnValue;
import dev.pgcdc.replicator.pgoutput.OldTuple;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Begin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Commit;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Delete;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Insert;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.LogicalMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Origin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Truncate;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Type;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Update;
import dev.pgcdc.replicator.pgoutput.TupleData;
import dev.pgcdc.replicator.pgoutput.UnknownRelationException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns decoded pgoutput messages into {@link ChangeEvent}s, one transaction at a time, without
 * buffering a transaction: each change becomes its event(s) at once.
 *
 * <p>Mapping (documented for consumers):
 * <ul>
 *   <li>Insert → {@code c} with {@code after}.</li>
 *   <li>Update → {@code u}. {@code before} is the whole old row under {@code REPLICA IDENTITY FULL},
 *       only the old replica identity columns when PostgreSQL sent the old key ('K', i.e. the key
 *       changed), and null otherwise (PostgreSQL sends no old values).</li>
 *   <li>Update that changes the row's key → a {@code d} of the old key followed by a {@code c} of
 *       the new key (consecutive sequence numbers), so a consumer keyed by row moves the row.</li>
 *   <li>Delete → {@code d}; {@code before} is the whole row under FULL, else the old key columns.</li>
 *   <li>Truncate → one {@code t} per captured table, key null.</li>
 *   <li>Unchanged TOAST values ('u') are left out of {@code after} and listed in
 *       {@code unchanged_toast}; when the old row is known (FULL) its value is used instead, since it
 *       is the current value.</li>
 *   <li>A key change's {@code c} carries its unchanged TOAST values: from the old row under FULL,
 *       else read from the table by the new key ({@link RowLookup}). A consumer cannot keep them
 *       itself: the {@code d} of the old key may sit in another partition. Consistency rule: the
 *       value read may be newer than the change (a later transaction may have rewritten it); a
 *       later event of that key then follows with a newer version and carries or keeps the newer
 *       value, so the consumer converges on the row as it is. When no row has the new key any
 *       more (deleted or re-keyed since), the columns stay in {@code unchanged_toast}; the later
 *       delete or key change follows.</li>
 *   <li>Logical decoding messages (the heartbeat) and Origin/Type messages produce no events.</li>
 * </ul>
 * Transactions whose commit record lies before {@code skipBefore} (already confirmed before a
 * crash) are dropped whole.
 *
 * <p>Not thread-safe: confined to the stream thread. Per session: a new session starts with new
 * Relation messages.
 */
public final class TransactionAssembler {

    private static final JsonNodeFactory NODES = ChangeEventCodec.MAPPER.getNodeFactory();

    private final String slotName;
    private final String database;
    private final String version;
    private final ColumnTypes columnTypes;
    private final TableKeys tableKeys;
    private final RowLookup rowLookup;
    private final EventSizeGuard sizeGuard;
    private final Clock clock;
    private final Lsn skipBefore;
    private final Map<Integer, Shape> shapes = new HashMap<>();

    private Begin current;
    private boolean skipping;
    private long sequence;
    private long skippedTransactions;

    /**
     * @param rowLookup reads the unchanged TOAST values of a row whose key changed (only then)
     * @param sizeGuard stops a row too large for one Kafka record before its event is built
     * @param skipBefore transactions whose commit record starts below this LSN are skipped (the
     *     stored position after a crash); null skips nothing
     */
    public TransactionAssembler(String slotName, String database, String version, ColumnTypes columnTypes,
            TableKeys tableKeys, RowLookup rowLookup, EventSizeGuard sizeGuard, Clock clock, Lsn skipBefore) {
        this.slotName = slotName;
        this.database = database;
        this.version = version;
        this.columnTypes = columnTypes;
        this.tableKeys = tableKeys;
        this.rowLookup = rowLookup;
        this.sizeGuard = sizeGuard;
        this.clock = clock;
        this.skipBefore = skipBefore;
    }

    /**
     * Handles one message.
     *
     * @param lsn the WAL position of the XLogData frame that carried the message
     * @throws IllegalStateException when the stream breaks the protocol's order (a change outside
     *     a transaction, nested Begin) or a row has no usable key
     * @throws UnknownRelationException when a change names a relation never described
     * @throws RuntimeException what the {@link RowLookup} throws (classified failures)
     */
    public void accept(PgOutputMessage message, long lsn, TransactionListener listener) {
        if (message instanceof Begin begin) {
            if (current != null) {
                throw new IllegalStateException("Begin of xid " + begin.xid() + " inside transaction " + current.xid());
            }
            current = begin;
            sequence = 0;
            skipping = skipBefore != null && new Lsn(begin.finalLsn()).compareTo(skipBefore) < 0;
            if (skipping) {
                skippedTransactions++;
            } else {
                listener.begin(begin.xid(), new Lsn(begin.finalLsn()));
            }
        } else if (message instanceof Commit commit) {
            if (current == null) {
                throw new IllegalStateException("Commit at " + new Lsn(commit.endLsn()) + " outside a transaction");
            }
            if (skipping && new Lsn(commit.endLsn()).isAfter(skipBefore)) {
                // Cannot happen when positions are commit ends or keepalive positions (record boundaries).
                throw new IllegalStateException("skipped a transaction that ends at " + new Lsn(commit.endLsn())
                        + ", after the stored position " + skipBefore);
            }
            current = null;
            if (!skipping) {
                listener.commit(new Lsn(commit.endLsn()));
            }
            skipping = false;
        } else if (message instanceof Relation relation) {
            shapes.put(relation.relationId(), shape(relation));
        } else if (message instanceof Insert insert) {
            Shape shape = changeShape(insert.relationId(), "Insert");
            if (shape != null) {
                Row after = row(shape, insert.newTuple(), null, false);
                listener.change(event(shape, Op.CREATE, null, after, key(shape, after, "inserted"), lsn));
            }
        } else if (message instanceof Update update) {
            Shape shape = changeShape(update.relationId(), "Update");
            if (shape != null) {
                update(shape, update, lsn, listener);
            }
        } else if (message instanceof Delete delete) {
            Shape shape = changeShape(delete.relationId(), "Delete");
            if (shape != null) {
                Row before = old(shape, delete.old());
                listener.change(event(shape, Op.DELETE, before, null, key(shape, before, "deleted"), lsn));
            }
        } else if (message instanceof Truncate truncate) {
            requireTransaction("Truncate");
            if (!skipping) {
                for (int relationId : truncate.relationIds()) {
                    Shape shape = knownShape(relationId);
                    if (shape.captured) {
                        listener.change(event(shape, Op.TRUNCATE, null, null, null, lsn));
                    }
                }
            }
        } else if (message instanceof LogicalMessage || message instanceof Origin || message instanceof Type) {
            // Heartbeats and other applications' messages are not changes; Origin and Type carry
            // nothing an event needs (user types are looked up by OID in the catalog).
            return;
        } else {
            throw new IllegalStateException("unhandled pgoutput message " + message.getClass().getSimpleName());
        }
    }

    /** Whether a transaction is open (between Begin and Commit). */
    public boolean inTransaction() {
        return current != null;
    }

    public long skippedTransactions() {
        return skippedTransactions;
    }

    private void update(Shape shape, Update update, long lsn, TransactionListener listener) {
        OldTuple old = update.old().orElse(null);
        TupleData fallback = old != null && old.kind() == OldTuple.Kind.FULL ? old.tuple() : null;
        Row after = row(shape, update.newTuple(), fallback, false);
        if (old == null) {
            listener.change(event(shape, Op.UPDATE, null, after, key(shape, after, "updated"), lsn));
            return;
        }
        Row before = old(shape, old);
        ObjectNode oldKey = key(shape, before, "updated (old key)");
        ObjectNode newKey = key(shape, after, "updated");
        if (oldKey.equals(newKey)) {
            listener.change(event(shape, Op.UPDATE, before, after, newKey, lsn));
        } else {
            if (!after.unchangedToast.isEmpty()) {
                after = withCurrentValues(shape, update.newTuple(), fallback, after);
            }
            listener.change(event(shape, Op.DELETE, before, null, oldKey, lsn));
            listener.change(event(shape, Op.CREATE, null, after, newKey, lsn));
        }
    }

    /**
     * The new row of a key change with the TOAST values PostgreSQL left out read from the table by
     * the new key, or {@code after} as it is when no single row has that key any more. See the
     * consistency rule in the class comment.
     */
    private Row withCurrentValues(Shape shape, TupleData newTuple, TupleData fallback, Row after) {
        Map<String, String> key = new LinkedHashMap<>();
        for (String column : shape.keyColumns) {
            if (!(newTuple.get(shape.indexOf(column)) instanceof ColumnValue.Text text)) {
                return after; // a NULL in a configured key: no row matches it
            }
            key.put(column, text.value());
        }
        Optional<Map<String, String>> read = rowLookup.read(shape.table, current.xid(),
                Collections.unmodifiableMap(key), after.unchangedToast);
        if (read.isEmpty()) {
            return after;
        }
        Map<String, String> values = read.get();
        List<ColumnValue> filled = new ArrayList<>(shape.names.length);
        for (int i = 0; i < shape.names.length; i++) {
            if (values.containsKey(shape.names[i])) {
                String text = values.get(shape.names[i]);
                filled.add(text == null ? ColumnValue.NULL : new ColumnValue.Text(text));
            } else {
                filled.add(fallback == null ? ColumnValue.UNCHANGED_TOAST : fallback.get(i));
            }
        }
        return row(shape, newTuple, new TupleData(filled), false);
    }

    private Row old(Shape shape, OldTuple old) {
        return row(shape, old.tuple(), null, old.kind() == OldTuple.Kind.KEY);
    }

    private Shape changeShape(int relationId, String what) {
        requireTransaction(what);
        if (skipping) {
            return null;
        }
        Shape shape = knownShape(relationId);
        return shape.captured ? shape : null;
    }

    private void requireTransaction(String what) {
        if (current == null) {
            throw new IllegalStateException(what + " outside a transaction");
        }
    }

    private Shape knownShape(int relationId) {
        Shape shape = shapes.get(relationId);
        if (shape == null) {
            throw new UnknownRelationException(relationId);
        }
        return shape;
    }

    private Shape shape(Relation relation) {
        TableId table = new TableId(relation.namespace(), relation.name());
        if (!tableKeys.captured(table)) {
            return new Shape(table, null, null, null, null, false);
        }
        List<String> keyColumns = KeyResolver.keyColumns(relation, tableKeys.configuredKey(table),
                tableKeys.primaryKey(table));
        int size = relation.columns().size();
        String[] names = new String[size];
        ColumnType[] types = new ColumnType[size];
        boolean[] identity = new boolean[size];
        List<Column> columns = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Relation.Column column = relation.columns().get(i);
            names[i] = column.name();
            types[i] = columnTypes.of(column.typeOid(), column.typeModifier());
            identity[i] = column.isKey();
            columns.add(new Column(column.name(), types[i].name(), keyColumns.contains(column.name())));
        }
        return new Shape(table, names, types, identity, keyColumns, true, List.copyOf(columns));
    }

    /**
     * Reads a tuple into a row image. {@code identityOnly}: the tuple is an old key ('K'), whose
     * non-identity columns are sent as NULL placeholders and are left out here.
     */
    private Row row(Shape shape, TupleData tuple, TupleData fallback, boolean identityOnly) {
        if (tuple.size() != shape.names.length) {
            throw new IllegalStateException("tuple of " + shape.table + " has " + tuple.size() + " columns, its Relation "
                    + shape.names.length);
        }
        ObjectNode values = NODES.objectNode();
        List<String> unchanged = null;
        long minimumBytes = 0;
        for (int i = 0; i < shape.names.length; i++) {
            if (identityOnly && !shape.identity[i]) {
                continue;
            }
            ColumnValue value = tuple.get(i);
            if (value instanceof ColumnValue.UnchangedToast && fallback != null
                    && !(fallback.get(i) instanceof ColumnValue.UnchangedToast)) {
                value = fallback.get(i);
            }
            if (value instanceof ColumnValue.Text text) {
                minimumBytes = sizeGuard.add(minimumBytes, shape.types[i].name(), text.value(), shape.table);
                values.set(shape.names[i], shape.types[i].toJson(text.value()));
            } else if (value instanceof ColumnValue.Null) {
                values.putNull(shape.names[i]);
            } else if (value instanceof ColumnValue.UnchangedToast) {
                if (unchanged == null) {
                    unchanged = new ArrayList<>(2);
                }
                unchanged.add(shape.names[i]);
            } else if (value instanceof ColumnValue.Binary) {
                throw new IllegalStateException("binary tuple value for " + shape.table + "." + shape.names[i]
                        + ": the replicator asks for text values only");
            } else {
                throw new IllegalStateException("unknown tuple value kind " + value);
            }
        }
        return new Row(values, unchanged == null ? List.of() : unchanged);
    }

    private static ObjectNode key(Shape shape, Row row, String what) {
        ObjectNode key = NODES.objectNode();
        for (String column : shape.keyColumns) {
            JsonNode value = row.values.get(column);
            if (value == null) {
                throw new IllegalStateException("the key column " + column + " of a row " + what + " in " + shape.table
                        + " was not sent by PostgreSQL (an unchanged TOASTed key value, or a key column outside the"
                        + " replica identity); set ALTER TABLE " + shape.table.quoted() + " REPLICA IDENTITY FULL");
            }
            key.set(column, value);
        }
        return key;
    }

    private ChangeEvent event(Shape shape, Op op, Row before, Row after, ObjectNode key, long lsn) {
        Source source = new Source(version, Source.CONNECTOR, slotName, database, shape.table.schema(),
                shape.table.table(), current.xid(), lsn, current.finalLsn(), sequence++,
                current.commitTimestamp().toEpochMilli(), SnapshotMarker.FALSE);
        return new ChangeEvent(before == null ? null : before.values, after == null ? null : after.values, op,
                clock.millis(), source, key, shape.columns, after == null ? List.of() : after.unchangedToast);
    }

    private record Row(ObjectNode values, List<String> unchangedToast) {
    }

    /** A captured table's shape as of its latest Relation message, prepared for per-row use. */
    private static final class Shape {
        final TableId table;
        final String[] names;
        final ColumnType[] types;
        final boolean[] identity;
        final List<String> keyColumns;
        final boolean captured;
        final List<Column> columns;

        Shape(TableId table, String[] names, ColumnType[] types, boolean[] identity, List<String> keyColumns,
                boolean captured) {
            this(table, names, types, identity, keyColumns, captured, List.of());
        }

        Shape(TableId table, String[] names, ColumnType[] types, boolean[] identity, List<String> keyColumns,
                boolean captured, List<Column> columns) {
            this.table = table;
            this.names = names;
            this.types = types;
            this.identity = identity;
            this.keyColumns = keyColumns;
            this.captured = captured;
            this.columns = columns;
        }

        int indexOf(String column) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(column)) {
                    return i;
                }
            }
            throw new IllegalStateException("no column " + column + " in " + table);
        }
    }
}
