package dev.pgcdc.bench.measure;

import java.util.Arrays;

/**
 * Per-event latencies in milliseconds, collected as they are read. Not thread-safe.
 */
public final class Latencies {

    private long[] values = new long[1024];
    private int size;

    public void add(long millis) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = millis;
    }

    public int size() {
        return size;
    }

    /** p50, p95, p99 and max; null when empty. */
    public Summary summary() {
        if (size == 0) {
            return null;
        }
        long[] sorted = Stats.sorted(Arrays.copyOf(values, size));
        return new Summary(size, Stats.percentile(sorted, 50), Stats.percentile(sorted, 95),
                Stats.percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The samples, sorted ascending (a copy). */
    public long[] sortedSamples() {
        return Stats.sorted(Arrays.copyOf(values, size));
    }

    /** Latency percentiles of one run, in milliseconds. */
    public record Summary(int count, long p50, long p95, long p99, long max) {
    }
}
