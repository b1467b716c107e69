package dev.pgcdc.bench.measure;

import java.util.Arrays;
import java.util.List;

/** Order statistics over run results and latency samples. Pure functions. */
public final class Stats {

    private Stats() {
    }

    /** The median (mean of the two middle values for an even count); NaN for none. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * The nearest-rank percentile of sorted samples: the smallest sample such that at least
     * {@code percentile}% of the samples are at or below it.
     *
     * @param sorted ascending; not modified
     * @param percentile in (0, 100]
     * @throws IllegalArgumentException for no samples or a percentile outside (0, 100]
     */
    public static long percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** A sorted copy. */
    public static long[] sorted(long[] samples) {
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return copy;
    }
}
