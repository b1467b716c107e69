package dev.pgcdc.bench.report;

import dev.pgcdc.bench.measure.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one harness invocation measured: the machine, the figures, the targets, and notes
 * about what was skipped or failed. Collected on the harness's main thread only.
 */
public final class Results {

    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> notDone = new ArrayList<>();

    public Map<String, Object> machine() {
        return machine;
    }

    public List<Figure> figures() {
        return figures;
    }

    public List<Target> targets() {
        return targets;
    }

    public List<String> notes() {
        return notes;
    }

    public List<String> notDone() {
        return notDone;
    }

    public void add(Figure figure) {
        figures.removeIf(f -> f.id().equals(figure.id()));
        figures.add(figure);
    }

    public void target(Target target) {
        targets.add(target);
    }

    public void note(String note) {
        notes.add(note);
    }

    public void notDone(String what) {
        notDone.add(what);
    }

    public Optional<Figure> figure(String id) {
        return figures.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    /** A target's outcome; empty when a figure it needs was not measured. */
    public Optional<Outcome> evaluate(Target target) {
        Optional<Figure> figure = figure(target.figureId());
        if (figure.isEmpty() || figure.get().runs().isEmpty()) {
            return Optional.empty();
        }
        if (target.baselineId() == null) {
            double value = figure.get().median();
            return Optional.of(new Outcome(value, figure.get().min(), figure.get().max(), met(target, value)));
        }
        Optional<Figure> baseline = figure(target.baselineId());
        if (baseline.isEmpty() || baseline.get().runs().isEmpty()) {
            return Optional.empty();
        }
        double ratio = figure.get().median() / baseline.get().median();
        // The spread of the ratio over runs paired in order (run i of the figure with run i of the baseline).
        List<Double> paired = new ArrayList<>();
        List<Double> a = figure.get().runs();
        List<Double> b = baseline.get().runs();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            paired.add(a.get(i) / b.get(i));
        }
        return Optional.of(new Outcome(ratio, Stats.min(paired), Stats.max(paired), met(target, ratio)));
    }

    private static boolean met(Target target, double value) {
        return target.atLeast() ? value >= target.threshold() : value <= target.threshold();
    }

    /** A target's value (a ratio of medians, or the figure's median), its spread, and the verdict. */
    public record Outcome(double value, double min, double max, boolean met) {
    }
}
