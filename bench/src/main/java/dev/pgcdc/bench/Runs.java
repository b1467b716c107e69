package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.Stats;
import dev.pgcdc.bench.report.Figure;
import java.util.ArrayList;
import java.util.List;

/** Collects one figure's values over runs, with the CPU reading of each run; the report keeps the median run's reading. */
final class Runs {

    private final List<Double> values = new ArrayList<>();
    private final List<String> limits = new ArrayList<>();

    void add(double value, String limit) {
        values.add(value);
        limits.add(limit == null ? "" : limit);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    Figure figure(String id, String workload, String name, String unit) {
        return new Figure(id, workload, name, unit, values, medianLimit());
    }

    private String medianLimit() {
        if (values.isEmpty()) {
            return "";
        }
        double median = Stats.median(values);
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (Math.abs(values.get(i) - median) < Math.abs(values.get(best) - median)) {
                best = i;
            }
        }
        return limits.get(best);
    }
}
