package dev.pgcdc.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.common.event.Source;
import java.util.List;

/** Builds change events for tests, as the replicator would. */
public final class TestEvents {

    public static final List<Column> USER_COLUMNS = List.of(
            new Column("id", "int4", true), new Column("name", "text", false), new Column("bio", "text", false));

    private TestEvents() {
    }

    public static ObjectNode row(Object... namesAndValues) {
        ObjectNode node = ChangeEventCodec.MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.set((String) namesAndValues[i], ChangeEventCodec.MAPPER.valueToTree(namesAndValues[i + 1]));
        }
        return node;
    }

    public static Source source(String table, long commitLsn, long sequence) {
        return new Source("0.1", Source.CONNECTOR, "test", "db", "public", table, 700L + commitLsn, commitLsn + sequence,
                commitLsn, sequence, 1_700_000_000_000L + commitLsn, SnapshotMarker.FALSE);
    }

    public static ChangeEvent insert(String table, long commitLsn, long sequence, int id, String name, String bio) {
        return new ChangeEvent(null, row("id", id, "name", name, "bio", bio), Op.CREATE, 1L, source(table, commitLsn, sequence),
                row("id", id), USER_COLUMNS, List.of());
    }

    public static ChangeEvent update(String table, long commitLsn, long sequence, int id, String name, String bio) {
        return new ChangeEvent(null, row("id", id, "name", name, "bio", bio), Op.UPDATE, 1L, source(table, commitLsn, sequence),
                row("id", id), USER_COLUMNS, List.of());
    }

    /** An update whose {@code bio} is an unchanged TOAST value (absent from {@code after}). */
    public static ChangeEvent toastUpdate(String table, long commitLsn, long sequence, int id, String name) {
        return new ChangeEvent(null, row("id", id, "name", name), Op.UPDATE, 1L, source(table, commitLsn, sequence),
                row("id", id), USER_COLUMNS, List.of("bio"));
    }

    public static ChangeEvent delete(String table, long commitLsn, long sequence, int id) {
        return new ChangeEvent(row("id", id), null, Op.DELETE, 1L, source(table, commitLsn, sequence), row("id", id),
                USER_COLUMNS, List.of());
    }

    /** A snapshot marker ({@code SNAPSHOT_STARTED} or {@code SNAPSHOT_COMPLETED}) at a snapshot's version. */
    public static ChangeEvent snapshotMarker(Op op, String table, long snapshotLsn) {
        Source source = new Source("0.1", Source.CONNECTOR, "test", "db", "public", table, null, snapshotLsn, snapshotLsn, 0,
                1_700_000_000_000L + snapshotLsn, SnapshotMarker.TRUE);
        return new ChangeEvent(null, null, op, 1L, source, null, List.of(), List.of());
    }

    /** A snapshot row of a user: version (snapshotLsn, 0), {@code source.snapshot = true}. */
    public static ChangeEvent snapshotRead(String table, long snapshotLsn, int id, String name) {
        Source source = new Source("0.1", Source.CONNECTOR, "test", "db", "public", table, null, snapshotLsn, snapshotLsn, 0,
                1_700_000_000_000L + snapshotLsn, SnapshotMarker.TRUE);
        return new ChangeEvent(null, row("id", id, "name", name, "bio", "b"), Op.READ, 1L, source, row("id", id),
                USER_COLUMNS, List.of());
    }

    public static ChangeEvent truncate(String table, long commitLsn, long sequence) {
        return new ChangeEvent(null, null, Op.TRUNCATE, 1L, source(table, commitLsn, sequence), null, USER_COLUMNS, List.of());
    }
}
