package dev.pgcdc.bench.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pgcdc.bench.measure.Stats;
import java.util.List;

/**
 * One measured quantity over repeated runs of one harness invocation.
 *
 * @param id stable key, e.g. {@code w1.replicator.events_per_s}
 * @param workload W1..W5, or JMH
 * @param name what a reader sees in the table
 * @param unit e.g. {@code events/s}, {@code ms}, {@code MiB}
 * @param runs one value per run, in run order
 * @param limitedBy what the CPU samples say limited it (process and busiest threads); may be empty
 */
public record Figure(String id, String workload, String name, String unit, List<Double> runs, String limitedBy) {

    public Figure {
        runs = List.copyOf(runs);
        limitedBy = limitedBy == null ? "" : limitedBy;
    }

    @JsonProperty("median")
    public double median() {
        return Stats.median(runs);
    }

    @JsonProperty("min")
    public double min() {
        return Stats.min(runs);
    }

    @JsonProperty("max")
    public double max() {
        return Stats.max(runs);
    }
}
