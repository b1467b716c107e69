package dev.pgcdc.replicator.it;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What a sink with external versions ends up holding for {@code items(id, val, ...)}: for each id,
 * the event with the highest version (commit_lsn, sequence), a later event winning a tie (the
 * sink's external_gte). Equivalent to applying the events sorted by version, without holding a
 * million events in memory. Also counts events by kind.
 */
final class VersionedReplay {

    final Map<Integer, Integer> rows = new HashMap<>();
    private final Map<Integer, long[]> versions = new HashMap<>();
    private final Map<Integer, Boolean> deleted = new HashMap<>();
    long events;
    long snapshotRows;
    long incrementalRows;
    long lastMarkers;
    /** Snapshot marker records (one per partition and table each), not counted in {@link #events}. */
    long startedMarkers;
    long completedMarkers;

    static VersionedReplay read(Scenario scenario, String topic) {
        VersionedReplay replay = new VersionedReplay();
        try (KafkaConsumer<byte[], byte[]> consumer = scenario.consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline
                    && !partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    replay.apply(ChangeEventCodec.decode(record.value()));
                }
            }
        }
        replay.rows.keySet().removeIf(id -> replay.deleted.getOrDefault(id, false));
        return replay;
    }

    private void apply(ChangeEvent event) {
        if (event.op() == Op.SNAPSHOT_STARTED) {
            startedMarkers++;
            return;
        }
        if (event.op() == Op.SNAPSHOT_COMPLETED) {
            completedMarkers++;
            return;
        }
        events++;
        SnapshotMarker marker = event.source().snapshot();
        if (marker == SnapshotMarker.TRUE || marker == SnapshotMarker.LAST) {
            snapshotRows++;
        } else if (marker == SnapshotMarker.INCREMENTAL) {
            incrementalRows++;
        }
        if (marker == SnapshotMarker.LAST) {
            lastMarkers++;
        }
        int id = event.key().get("id").asInt();
        long[] version = {event.source().commitLsn(), event.source().sequence()};
        long[] current = versions.get(id);
        if (current != null) {
            int byLsn = Long.compareUnsigned(version[0], current[0]);
            if (byLsn < 0 || (byLsn == 0 && version[1] < current[1])) {
                return;
            }
        }
        versions.put(id, version);
        if (event.op() == Op.DELETE) {
            deleted.put(id, true);
            rows.remove(id);
        } else {
            deleted.put(id, false);
            rows.put(id, event.after().get("val").asInt());
        }
    }
}
