package dev.pgcdc.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static Results sample() {
        Results results = new Results();
        results.machine().put("cores", 2);
        results.add(new Figure("rep", "W1", "replicator events/s", "events/s", List.of(100_000.0, 90_000.0, 110_000.0),
                "saturated: replicator thread 'main' at 97%: replicator 110%"));
        results.add(new Figure("raw", "W1", "raw decode events/s", "events/s", List.of(130_000.0, 120_000.0, 140_000.0),
                ""));
        results.target(Target.ratioAtLeast("replicator vs raw decode", "rep", "raw", 0.70, "≥ 0.70×"));
        results.target(Target.atMost("p99", "missing", 250, "≤ 250 ms"));
        results.notDone("W3 snapshot: not supported yet");
        return results;
    }

    @Test
    void aRatioTargetComparesMediansAndPairsRunsForItsRange() {
        Results results = sample();
        Results.Outcome outcome = results.evaluate(results.targets().get(0)).orElseThrow();
        assertThat(outcome.value()).isEqualTo(100_000.0 / 130_000.0);
        assertThat(outcome.min()).isEqualTo(90_000.0 / 120_000.0);
        assertThat(outcome.max()).isEqualTo(110_000.0 / 140_000.0);
        assertThat(outcome.met()).isTrue();
    }

    @Test
    void aTargetWithoutItsFigureIsNotEvaluated() {
        Results results = sample();
        assertThat(results.evaluate(results.targets().get(1))).isEmpty();
    }

    @Test
    void writesMarkdownTablesAndJson(@TempDir Path dir) throws Exception {
        ReportWriter.write(sample(), dir);
        String md = Files.readString(dir.resolve("results.md"));
        assertThat(md).contains("| replicator vs raw decode | 100,000 events/s (replicator events/s) | 130,000 events/s"
                + " (raw decode events/s) | 0.77× [0.75×–0.79×] | ≥ 0.70× | yes |");
        assertThat(md).contains("| p99 | not measured | — | — | ≤ 250 ms | n/a |");
        assertThat(md).contains("| W1 | replicator events/s | 100,000 | 90,000 | 110,000 | events/s | 3 |"
                + " saturated: replicator thread 'main' at 97%: replicator 110% |");
        assertThat(md).contains("- W3 snapshot: not supported yet");
        JsonNode json = ChangeEventCodec.MAPPER.readTree(Files.readString(dir.resolve("results.json")));
        assertThat(json.path("figures").get(0).path("median").asDouble()).isEqualTo(100_000.0);
        assertThat(json.path("targets").get(0).path("outcome").path("met").asBoolean()).isTrue();
        assertThat(json.path("targets").get(1).has("outcome")).isFalse();
    }

    @Test
    void numbersKeepThreeSignificantDigitsAndGroupThousands() {
        assertThat(ReportWriter.number(131_234.5)).isEqualTo("131,235");
        assertThat(ReportWriter.number(250)).isEqualTo("250");
        assertThat(ReportWriter.number(42.25)).isEqualTo("42.3");
        assertThat(ReportWriter.number(0.0512)).isEqualTo("0.05");
        assertThat(ReportWriter.number(Double.NaN)).isEqualTo("—");
    }

    @Test
    void thePlotsXAxisIsLabelledInPercentiles() {
        assertThat(LatencyPlot.percentileLabel(0)).isEqualTo("p0");
        assertThat(LatencyPlot.percentileLabel(1)).isEqualTo("p90");
        assertThat(LatencyPlot.percentileLabel(2)).isEqualTo("p99");
        assertThat(LatencyPlot.percentileLabel(3)).isEqualTo("p99.9");
    }

    @Test
    void percentileLabelsStayDistinctFarIntoTheTail() {
        // Ticks 0.1 apart near p99.9998 and beyond p99.99995 (a run of 2 million events reaches 6.3 nines).
        assertThat(LatencyPlot.percentileLabel(5.7)).isNotEqualTo(LatencyPlot.percentileLabel(5.8));
        assertThat(LatencyPlot.percentileLabel(6.4)).isNotEqualTo(LatencyPlot.percentileLabel(6.5));
        assertThat(LatencyPlot.percentileLabel(6.5)).isNotEqualTo("p100");
        assertThat(LatencyPlot.percentileLabel(0.5)).isEqualTo("p68.4");
    }

    @Test
    void drawsThePlotOfAFullRun(@TempDir Path dir) throws Exception {
        // XChart widened its tick grid forever when two tick labels were equal (p100 twice): the full
        // bench hung after its last workload. These are that run's series: sizes, and latencies ramping
        // to about their maxima.
        System.setProperty("java.awt.headless", "true");
        org.junit.jupiter.api.Assumptions.assumeTrue(fontsInstalled(), "no fonts installed (fontconfig): cannot draw text");
        LatencyPlot plot = new LatencyPlot();
        int[] rates = {1000, 5000, 10000};
        long[][] maxima = {{55, 264}, {42, 1160}, {111, 1271}};
        for (int r = 0; r < rates.length; r++) {
            plot.add("commit → Kafka at " + rates[r] + "/s", ramp(rates[r] * 60, 1, maxima[r][0]));
            plot.add("commit → indexed at " + rates[r] + "/s", ramp(rates[r] * 60, 50, maxima[r][1]));
        }
        plot.add("W4 pgbench: commit → Kafka", ramp(1_413_300, 1, 1900));
        plot.add("W4 pgbench: commit → indexed", ramp(353_325, 3000, 22_058));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> plot.write(dir.resolve("latency.png"), "pgcdc latency distribution, commit → acked/indexed"
                        + " (full run, first run of each rate)"));
        assertThat(Files.readAllBytes(dir.resolve("latency.png"))).startsWith(0x89, 'P', 'N', 'G');
    }

    /** Ascending latencies from {@code low} to about {@code high}, most of them near {@code low}. */
    private static long[] ramp(int count, long low, long high) {
        long[] sorted = new long[count];
        for (int i = 0; i < count; i++) {
            sorted[i] = low + (long) ((high - low) * Math.pow((double) i / count, 8));
        }
        return sorted;
    }

    @Test
    void drawsTheLatencyPlot(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        org.junit.jupiter.api.Assumptions.assumeTrue(fontsInstalled(), "no fonts installed (fontconfig): cannot draw text");
        LatencyPlot plot = new LatencyPlot();
        long[] samples = new long[1000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 1 + i / 10;
        }
        plot.add("commit → Kafka at 1000/s", samples);
        plot.write(dir.resolve("latency.png"), "test");
        byte[] png = Files.readAllBytes(dir.resolve("latency.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    private static boolean fontsInstalled() {
        try {
            return java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length > 0;
        } catch (RuntimeException | Error e) {
            return false;
        }
    }
}
