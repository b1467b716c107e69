package dev.pgcdc.sink.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When a completed snapshot may cut a table's mirror index. The {@code snapshot_completed} marker
 * of a snapshot at version P goes to every partition of the table's topic, after that partition's
 * snapshot rows; cutting (deleting the documents older than P) when the first partition delivers
 * it would remove documents whose snapshot rows are still queued in a slower partition. So each
 * partition, once its marker is applied, records "partition p completed snapshot P of this table"
 * as a document in the tombstone index (deterministic id: a redelivery rewrites the same document),
 * then reads the records of all partitions back; the partition that finds the set complete cuts.
 * Sinks sharing a consumer group see each other's records: every partition writes its record before
 * it reads the set, so the last partition to record always sees the whole set (two may, and both
 * cut: the cut is idempotent).
 *
 * <p>A set is never cut at a version below the table's current cut (a newer snapshot or truncate
 * already removed everything older), and may be cut again at the same version: a sink that stopped
 * between the cut tombstone and the deletion has not committed the marker, and redoes both. Pure;
 * thread-safe.
 */
public final class SnapshotCompletions {

    /** What the partition that just recorded its marker does. */
    public enum Decision {
        /** Some partitions have not recorded the marker yet: the last of them will cut. */
        WAIT,
        /** Every partition has recorded it: cut at the snapshot's version. */
        CUT,
        /** The table's cut is already newer than the snapshot: nothing older is left to delete. */
        SUPERSEDED
    }

    private SnapshotCompletions() {
    }

    /** Id of the record of {@code partition} of {@code topic} having completed the snapshot at {@code version}. */
    public static String recordId(String mirrorIndex, RowVersion version, String topic, int partition) {
        // '#' cannot occur in an index name, so no row tombstone id (index/doc) matches it.
        return DocumentIds.fit(mirrorIndex + "#snapshot/" + EventMapper.changeId(version) + "/" + topic + "/" + partition);
    }

    /** The record write: the same document on every redelivery, so it needs no version. */
    public static Write record(String tombstoneIndex, String mirrorIndex, RowVersion version, String topic, int partition,
                               long commitTimeMs) {
        ObjectNode node = ChangeEventCodec.MAPPER.createObjectNode();
        node.put("kind", "snapshot_partition");
        node.put("index", mirrorIndex);
        node.put("topic", topic);
        node.put("partition", partition);
        node.put("commit_lsn", version.commitLsn());
        node.put("sequence", version.sequence());
        node.put("commit_time", commitTimeMs);
        return new Write.PlainIndex(tombstoneIndex, recordId(mirrorIndex, version, topic, partition),
                EventMapper.bytes(node));
    }

    /** The tombstone-index documents {@link #decide} needs: every partition's record and the table's cut. */
    public static List<String> idsToRead(String mirrorIndex, RowVersion version, String topic, int partitions) {
        List<String> ids = new ArrayList<>(partitions + 1);
        for (int p = 0; p < partitions; p++) {
            ids.add(recordId(mirrorIndex, version, topic, p));
        }
        ids.add(IndexNames.truncateTombstoneId(mirrorIndex));
        return ids;
    }

    /** The partitions of {@code topic} that have not recorded the snapshot at {@code version}, ascending. */
    public static List<Integer> missing(Map<String, RowVersion> stored, String mirrorIndex, RowVersion version,
                                        String topic, int partitions) {
        List<Integer> missing = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (!stored.containsKey(recordId(mirrorIndex, version, topic, p))) {
                missing.add(p);
            }
        }
        return missing;
    }

    /**
     * @param stored the tombstone-index documents of {@link #idsToRead} that exist, by id, with their versions
     * @param partitions the number of partitions of {@code topic}, at least 1
     */
    public static Decision decide(Map<String, RowVersion> stored, String mirrorIndex, RowVersion version, String topic,
                                  int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        RowVersion cut = stored.get(IndexNames.truncateTombstoneId(mirrorIndex));
        if (cut != null && cut.isNewerThan(version)) {
            return Decision.SUPERSEDED;
        }
        return missing(stored, mirrorIndex, version, topic, partitions).isEmpty() ? Decision.CUT : Decision.WAIT;
    }
}
