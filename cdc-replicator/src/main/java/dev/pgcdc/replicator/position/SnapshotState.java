package dev.pgcdc.replicator.position;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The durable progress of an initial snapshot, kept in LMDB beside the position so that a
 * replicator killed during a long load continues where it stopped.
 *
 * <p>{@code version} is the LSN every snapshot row carries as {@code commit_lsn}: the slot's
 * consistent point (or, when the exported snapshot was not available, the position streaming
 * starts from). It never changes while the snapshot is resumed. A chunk is listed as done only
 * after Kafka acknowledged every row of it.
 *
 * @param exported true when the load began in the slot's exported snapshot; false when it began in
 *     a fresh snapshot (the slot existed already)
 */
public record SnapshotState(
        @JsonProperty("version") long version,
        @JsonProperty("exported") boolean exported,
        @JsonProperty("complete") boolean complete,
        @JsonProperty("tables") List<Table> tables) {

    @JsonCreator
    public SnapshotState {
        tables = List.copyOf(tables);
    }

    /** A new snapshot of {@code tables}, nothing planned yet. */
    public static SnapshotState start(Lsn version, boolean exported, List<TableId> tables) {
        return new SnapshotState(version.value(), exported, false,
                tables.stream().map(id -> new Table(id.schema(), id.table(), null, List.of(), 0, false)).toList());
    }

    public Lsn versionLsn() {
        return new Lsn(version);
    }

    public Table table(TableId id) {
        for (Table table : tables) {
            if (table.id().equals(id)) {
                return table;
            }
        }
        throw new IllegalArgumentException(id + " is not part of this snapshot");
    }

    public SnapshotState with(Table changed) {
        List<Table> copy = new ArrayList<>(tables);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).id().equals(changed.id())) {
                copy.set(i, changed);
                return new SnapshotState(version, exported, complete, copy);
            }
        }
        throw new IllegalArgumentException(changed.id() + " is not part of this snapshot");
    }

    public SnapshotState completed() {
        return new SnapshotState(version, exported, true, tables);
    }

    /**
     * One table's progress.
     *
     * @param boundaries the chunk plan: the text forms of the key values that end each chunk but
     *     the last (chunk {@code i} holds keys in ({@code boundaries[i-1]}, {@code boundaries[i]}]);
     *     null until planned; empty for a table read as one chunk
     * @param doneChunks indexes of the chunks whose rows Kafka acknowledged
     * @param rows rows sent in the done chunks
     */
    public record Table(
            @JsonProperty("schema") String schema,
            @JsonProperty("table") String table,
            @JsonProperty("boundaries") List<List<String>> boundaries,
            @JsonProperty("done_chunks") List<Integer> doneChunks,
            @JsonProperty("rows") long rows,
            @JsonProperty("complete") boolean complete) {

        @JsonCreator
        public Table {
            boundaries = boundaries == null ? null : boundaries.stream().map(List::copyOf).toList();
            doneChunks = List.copyOf(new TreeSet<>(doneChunks));
        }

        public TableId id() {
            return new TableId(schema, table);
        }

        public boolean planned() {
            return boundaries != null;
        }

        public int chunkCount() {
            return boundaries == null ? 0 : boundaries.size() + 1;
        }

        public Table planned(List<List<String>> plan) {
            return new Table(schema, table, plan, List.of(), 0, false);
        }

        public Table chunkDone(int chunk, long chunkRows) {
            SortedSet<Integer> done = new TreeSet<>(doneChunks);
            if (!done.add(chunk)) {
                return this;
            }
            return new Table(schema, table, boundaries, List.copyOf(done), rows + chunkRows,
                    done.size() == chunkCount());
        }
    }
}
