package dev.pgcdc.sink;

import dev.pgcdc.sink.index.Write;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bulk item the {@link Applier} sends for a segment, standing in for the earlier writes of the
 * same document it replaces. Two changes of one row inside one transaction share a version
 * ({@code version=commit_lsn, version_type=external_gte}), so Elasticsearch applies whichever
 * arrives last and only their order protects the newer one. With one write per document in flight,
 * no retried, timed-out or rejected-then-retried older write can land after a newer one.
 *
 * <p>Only writes of the same partition are coalesced: there, the later write is the newer change
 * (Kafka keeps a partition's order) and fully determines the document (a partial update never
 * shares a segment with an earlier write of its document, see {@link Applier#apply}). Across
 * partitions the versions decide, as always.
 *
 * @param owner the record whose write this is
 * @param write the bulk item
 * @param replaced the write of the same document this one replaces (itself standing in for the
 *     ones before it), or null; it is sent instead when this write is rejected for good or its
 *     record is dead-lettered, so that the replaced change is not lost with it
 */
record WriteTask(Pending owner, Write write, WriteTask replaced) {

    /**
     * The writes of {@code items} (in partition order), at most one per document: each document's
     * last. Returned in the order of those last writes.
     */
    static List<WriteTask> coalesce(List<Pending> items) {
        Map<String, WriteTask> latest = new LinkedHashMap<>();
        for (Pending item : items) {
            for (Write write : item.plan().writes()) {
                WriteTask task = new WriteTask(item, write, null);
                WriteTask previous = latest.remove(task.target());
                latest.put(task.target(), previous == null ? task : new WriteTask(item, write, previous));
            }
        }
        return new ArrayList<>(latest.values());
    }

    /** Partition, index and id: writes with the same target are changes of one document in partition order. */
    String target() {
        return owner.partition() + "/" + write.index() + "/" + write.id();
    }

    /** The writes this one replaces, newest first (empty when it replaces none). */
    List<WriteTask> superseded() {
        List<WriteTask> result = new ArrayList<>();
        for (WriteTask task = replaced; task != null; task = task.replaced) {
            result.add(task);
        }
        return result;
    }
}
