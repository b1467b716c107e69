package dev.pgcdc.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The latency distribution plot: one curve per (stage, rate), latency in ms against the percentile,
 * on a "nines" axis (50, 90, 99, 99.9) so the tail is as readable as the median.
 */
public final class LatencyPlot {

    private final Map<String, long[]> series = new LinkedHashMap<>();

    /** @param sortedMillis ascending latencies of one run */
    public void add(String name, long[] sortedMillis) {
        if (sortedMillis.length > 0) {
            series.put(name, sortedMillis);
        }
    }

    /**
     * The x axis is log10(1/(1-p)): 0 → p0, 1 → p90, 2 → p99, 3 → p99.9. Labels carry as many decimals
     * as the tick's nines need to differ from their neighbours (a tenth apart): XChart widens its tick
     * grid until all labels differ, forever if two round to the same text (p100 twice, at 6.4 and 6.5).
     */
    static String percentileLabel(double nines) {
        double p = 100 * (1 - Math.pow(10, -nines));
        int decimals = Math.max(1, (int) Math.ceil(nines));
        return "p" + java.math.BigDecimal.valueOf(p).setScale(decimals, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros().toPlainString();
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public void write(Path png, String title) throws IOException {
        XYChart chart = new XYChartBuilder().width(1100).height(650).title(title)
                .xAxisTitle("percentile").yAxisTitle("latency, ms (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.setCustomXAxisTickLabelsFormatter(LatencyPlot::percentileLabel);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(0);
        for (Map.Entry<String, long[]> e : series.entrySet()) {
            long[] sorted = e.getValue();
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            int points = Math.min(sorted.length, 400);
            for (int i = 0; i < points; i++) {
                // nines: evenly spaced in log10(1/(1-p)) up to p = 1 - 1/n
                double nines = (double) i / (points - 1) * Math.log10(sorted.length);
                double p = 1 - Math.pow(10, -nines);
                int index = (int) Math.min(sorted.length - 1, Math.floor(p * sorted.length));
                x.add(nines);
                y.add((double) Math.max(1, sorted[index]));
            }
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
