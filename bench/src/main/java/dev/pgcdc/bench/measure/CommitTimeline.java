package dev.pgcdc.bench.measure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a consumer group committed each offset: polls the group's committed offsets every 20 ms and
 * keeps, per partition, the wall-clock time at which each new committed position was first seen.
 * The es-sink commits an offset only after Elasticsearch acknowledged every write up to it, so the time
 * a record's offset is first covered is when it was indexed and acknowledged (late by at most the poll
 * interval plus the commit round trip). Measuring from outside needs no hook in the sink.
 */
public final class CommitTimeline implements AutoCloseable {

    private static final long POLL_MILLIS = 20;

    private final Map<Integer, List<long[]>> samples = new HashMap<>(); // partition -> {epochMillis, committed}
    private final Thread poller;
    private volatile boolean stopped;

    public CommitTimeline(KafkaProbe kafka, String group, String topic) {
        poller = new Thread(() -> {
            while (!stopped) {
                long now = System.currentTimeMillis();
                try {
                    Map<Integer, Long> committed = kafka.committedByPartition(group, topic);
                    synchronized (samples) {
                        committed.forEach((partition, offset) -> {
                            List<long[]> list = samples.computeIfAbsent(partition, p -> new ArrayList<>());
                            if (list.isEmpty() || list.get(list.size() - 1)[1] < offset) {
                                list.add(new long[] {now, offset});
                            }
                        });
                    }
                } catch (RuntimeException e) {
                    // the group may not exist before its first commit
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-commit-timeline");
        poller.setDaemon(true);
        poller.start();
    }

    /** Wall-clock millis at which {@code offset} of {@code partition} was first seen committed; -1 if never. */
    public long committedAt(int partition, long offset) {
        synchronized (samples) {
            List<long[]> list = samples.get(partition);
            if (list == null) {
                return -1;
            }
            int low = 0;
            int high = list.size() - 1;
            long found = -1;
            while (low <= high) { // first sample whose committed position (next to read) is above offset
                int mid = (low + high) >>> 1;
                if (list.get(mid)[1] > offset) {
                    found = list.get(mid)[0];
                    high = mid - 1;
                } else {
                    low = mid + 1;
                }
            }
            return found;
        }
    }

    @Override
    public void close() {
        stopped = true;
        poller.interrupt();
        try {
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
