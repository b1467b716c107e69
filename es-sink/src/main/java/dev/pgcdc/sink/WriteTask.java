package dev.pgcdc.sink;

import dev.pgcdc.sink.index.RowVersion;
import dev.pgcdc.sink.index.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bulk item the {@link Applier} sends for a segment, standing in for the other writes of the
 * same document it replaces. Two changes of one row inside one transaction share a version
 * ({@code version=commit_lsn, version_type=external_gte}), so Elasticsearch applies whichever
 * arrives last and only their order protects the newer one. With one write per document in flight,
 * no retried, timed-out or rejected-then-retried older write can land after a newer one.
 *
 * <p>Of the writes of one document from one partition, the one with the highest row version
 * ({@code commit_lsn}, {@code sequence}) is sent, the last one on a tie (the same change
 * delivered twice): the document Elasticsearch would end with if they were all applied in
 * partition order, because a write never replaces a stored newer version. A write fully determines
 * its document (a partial update never shares a segment with an earlier write of its document,
 * see {@link Applier#apply}). Writes of other partitions are left alone: versions decide between
 * them, as always.
 *
 * @param owner the record whose write this is
 * @param write the bulk item
 * @param replaced the next best write of the same document (itself standing in for the ones after
 *     it), or null; it is sent instead when this write is rejected for good or its record is
 *     dead-lettered, so that the change it stands for is not lost with it
 */
record WriteTask(Pending owner, Write write, WriteTask replaced) {

    /** Higher row version first; among equal ones (or unversioned writes) the later in partition order. */
    private static final Comparator<Candidate> BEST_FIRST = Comparator
            .comparing((Candidate c) -> version(c.write()), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(Candidate::position).reversed();

    private record Candidate(Pending owner, Write write, int position) {
    }

    /**
     * The writes of {@code items} (in partition order), at most one per document, each standing
     * in for the others of its document. Returned in the order of each document's last write.
     */
    static List<WriteTask> coalesce(List<Pending> items) {
        Map<String, List<Candidate>> byTarget = new LinkedHashMap<>();
        int position = 0;
        for (Pending item : items) {
            for (Write write : item.plan().writes()) {
                String target = target(item, write);
                List<Candidate> candidates = byTarget.remove(target);
                if (candidates == null) {
                    candidates = new ArrayList<>(1);
                }
                candidates.add(new Candidate(item, write, position++));
                byTarget.put(target, candidates);
            }
        }
        List<WriteTask> tasks = new ArrayList<>(byTarget.size());
        for (List<Candidate> candidates : byTarget.values()) {
            candidates.sort(BEST_FIRST);
            WriteTask task = null;
            for (int i = candidates.size() - 1; i >= 0; i--) {
                task = new WriteTask(candidates.get(i).owner(), candidates.get(i).write(), task);
            }
            tasks.add(task);
        }
        return tasks;
    }

    private static RowVersion version(Write write) {
        if (write instanceof Write.VersionedIndex w) {
            return w.version();
        }
        if (write instanceof Write.VersionedDelete w) {
            return w.version();
        }
        if (write instanceof Write.PartialUpdate w) {
            return w.version();
        }
        return null; // a plain index: the same id means the same change, any copy will do
    }

    private static String target(Pending owner, Write write) {
        return owner.partition() + "/" + write.index() + "/" + write.id();
    }

    /** Partition, index and id: writes with the same target are changes of one document in partition order. */
    String target() {
        return target(owner, write);
    }

    /** The writes this one stands in for, best first (empty when it replaces none). */
    List<WriteTask> superseded() {
        List<WriteTask> result = new ArrayList<>();
        for (WriteTask task = replaced; task != null; task = task.replaced) {
            result.add(task);
        }
        return result;
    }
}
