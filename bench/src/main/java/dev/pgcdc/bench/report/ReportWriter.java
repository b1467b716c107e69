package dev.pgcdc.bench.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes {@link Results} as {@code results.md} (tables for people) and {@code results.json} (for tools). */
public final class ReportWriter {

    private ReportWriter() {
    }

    public static void write(Results results, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("results.md"), markdown(results));
        Files.writeString(directory.resolve("results.json"), json(results));
    }

    static String json(Results results) throws IOException {
        ObjectNode root = ChangeEventCodec.MAPPER.createObjectNode();
        root.set("machine", ChangeEventCodec.MAPPER.valueToTree(results.machine()));
        ArrayNode targets = root.putArray("targets");
        for (Target target : results.targets()) {
            ObjectNode node = ChangeEventCodec.MAPPER.valueToTree(target);
            results.evaluate(target).ifPresent(o -> node.set("outcome", ChangeEventCodec.MAPPER.valueToTree(o)));
            targets.add(node);
        }
        root.set("figures", ChangeEventCodec.MAPPER.valueToTree(results.figures()));
        root.set("notes", ChangeEventCodec.MAPPER.valueToTree(results.notes()));
        root.set("not_done", ChangeEventCodec.MAPPER.valueToTree(results.notDone()));
        return ChangeEventCodec.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    }

    static String markdown(Results results) {
        StringBuilder md = new StringBuilder("# pgcdc benchmark results\n\n");
        md.append("## Machine\n\n| | |\n|---|---|\n");
        for (Map.Entry<String, Object> e : results.machine().entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(cell(String.valueOf(e.getValue()))).append(" |\n");
        }
        md.append("\n## Targets (issue 8), each measured against its baseline in this run\n\n");
        md.append("| target | figure (median) | baseline (median) | value [min–max over paired runs] | goal | met |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Target target : results.targets()) {
            Optional<Results.Outcome> outcome = results.evaluate(target);
            String figure = results.figure(target.figureId()).map(ReportWriter::short_).orElse("not measured");
            String baseline = target.baselineId() == null ? "—"
                    : results.figure(target.baselineId()).map(ReportWriter::short_).orElse("not measured");
            String value = outcome.map(o -> target.baselineId() == null
                    ? number(o.value()) + " [" + number(o.min()) + "–" + number(o.max()) + "]"
                    : ratio(o.value()) + " [" + ratio(o.min()) + "–" + ratio(o.max()) + "]").orElse("—");
            String met = outcome.map(o -> o.met() ? "yes" : "**no**").orElse("n/a");
            md.append("| ").append(cell(target.name())).append(" | ").append(cell(figure)).append(" | ")
                    .append(cell(baseline)).append(" | ").append(value).append(" | ").append(cell(target.text()))
                    .append(" | ").append(met).append(" |\n");
        }
        md.append("\n## All figures (median of the runs, with min and max)\n\n");
        md.append("| workload | figure | median | min | max | unit | runs | limited by (CPU, % of one core) |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Figure f : results.figures()) {
            md.append("| ").append(f.workload()).append(" | ").append(cell(f.name())).append(" | ")
                    .append(number(f.median())).append(" | ").append(number(f.min())).append(" | ")
                    .append(number(f.max())).append(" | ").append(f.unit()).append(" | ").append(f.runs().size())
                    .append(" | ").append(cell(f.limitedBy())).append(" |\n");
        }
        if (!results.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            results.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        if (!results.notDone().isEmpty()) {
            md.append("\n## Not measured in this run\n\n");
            results.notDone().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static String short_(Figure f) {
        return number(f.median()) + " " + f.unit() + " (" + f.name() + ")";
    }

    /** Three significant digits at most, thousands grouped: 131,000 / 4.27 / 0.052. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,d", Math.round(value));
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(double value) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%.2f×", value);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
