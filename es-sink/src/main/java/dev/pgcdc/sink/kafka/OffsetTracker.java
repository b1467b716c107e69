package dev.pgcdc.sink.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the offsets received but not yet finished (applied to Elasticsearch or
 * dead-lettered). The committable position of a partition is the lowest unfinished offset, or one
 * past the highest received when all are finished: "the highest contiguous finished offset plus
 * one", so a commit never passes an unacknowledged event. Offsets may finish in any order.
 *
 * <p>Thread-safe: the loop thread records received offsets, commits and forgets revoked
 * partitions (the rebalance listener runs on it, inside {@code poll}); the applier thread
 * finishes offsets.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    private static final class Partition {
        final TreeSet<Long> unfinished = new TreeSet<>();
        long nextAfterReceived = -1;
        long committed = -1;

        long position() {
            return unfinished.isEmpty() ? nextAfterReceived : unfinished.first();
        }
    }

    /** A record was received; offsets of one partition arrive in increasing order. */
    public synchronized void received(TopicPartition partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        if (p.nextAfterReceived < 0) {
            // The consumer's start position needs no commit.
            p.committed = offset;
        }
        p.unfinished.add(offset);
        p.nextAfterReceived = Math.max(p.nextAfterReceived, offset + 1);
    }

    /** A record was applied or dead-lettered. Ignored for partitions forgotten since (revoked). */
    public synchronized void finished(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.unfinished.remove(offset);
        }
    }

    /** Positions that moved since the last {@link #committed}, for {@code commitSync}. */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        return committable(partitions.keySet());
    }

    public synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (TopicPartition tp : which) {
            Partition p = partitions.get(tp);
            if (p != null && p.nextAfterReceived >= 0 && p.position() > p.committed) {
                result.put(tp, new OffsetAndMetadata(p.position()));
            }
        }
        return result;
    }

    public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, offset) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, offset.offset());
            }
        });
    }

    /** Drops partitions that were revoked or lost; later {@link #finished} calls for them are ignored. */
    public synchronized void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    public synchronized boolean owns(TopicPartition partition) {
        return partitions.containsKey(partition);
    }

    /** Unfinished records across all partitions. */
    public synchronized int unfinished() {
        return partitions.values().stream().mapToInt(p -> p.unfinished.size()).sum();
    }
}
