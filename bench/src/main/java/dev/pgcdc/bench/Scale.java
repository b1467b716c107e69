package dev.pgcdc.bench;

import java.util.List;

/**
 * How big each workload is. {@link #FULL} is the specification; {@link #QUICK} keeps every code
 * path of the harness running in a few minutes (for CI): one run per figure, tiny workloads, so its
 * figures are smoke values only (JIT warm-up dominates them).
 *
 * @param runs repetitions of every measured figure
 * @param w1Rows rows inserted, then updated, by the W1 backlog
 * @param w1Tx rows per W1 transaction
 * @param w2Rates steady event rates of W2
 * @param w2Seconds measured seconds per W2 rate
 * @param w2WarmupSeconds unmeasured seconds at the rate first
 * @param w3Rows rows of the W3 snapshot table
 * @param w3Workers snapshot worker counts
 * @param w4Scale pgbench scale factor
 * @param w4Seconds pgbench run time
 * @param w5Rows rows of the one big W5 transaction
 */
public record Scale(String name, int runs, int w1Rows, int w1Tx, List<Integer> w2Rates, int w2Seconds,
                    int w2WarmupSeconds, int w3Rows, List<Integer> w3Workers, int w4Scale, int w4Seconds, int w5Rows) {

    public static final Scale FULL = new Scale("full", 3, 200_000, 1000, List.of(1000, 5000, 10_000), 60, 20, 1_000_000,
            List.of(1, 2, 4), 10, 60, 1_000_000);

    public static final Scale QUICK = new Scale("quick", 1, 10_000, 1000, List.of(1000), 8, 2, 50_000, List.of(1, 2),
            1, 8, 50_000);

    public Scale withW2Rates(List<Integer> rates) {
        return new Scale(name, runs, w1Rows, w1Tx, List.copyOf(rates), w2Seconds, w2WarmupSeconds, w3Rows, w3Workers, w4Scale,
                w4Seconds, w5Rows);
    }

    public Scale withRuns(int runs) {
        return new Scale(name, runs, w1Rows, w1Tx, w2Rates, w2Seconds, w2WarmupSeconds, w3Rows, w3Workers, w4Scale,
                w4Seconds, w5Rows);
    }
}
