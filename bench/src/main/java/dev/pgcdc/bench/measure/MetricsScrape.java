package dev.pgcdc.bench.measure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One reading of a daemon's Prometheus endpoint ({@code /metrics}, text format): each sample's value
 * by its name with labels as written, e.g. {@code pgcdc_sink_bulk_seconds_count{outcome="ok"}}.
 */
public final class MetricsScrape {

    private final Map<String, Double> samples;

    private MetricsScrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static MetricsScrape read(int port) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("/metrics on port " + port + " answered " + response.statusCode());
            }
            return parse(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Parses the text format: comment lines are skipped, a sample line is {@code name[{labels}] value}. */
    static MetricsScrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return new MetricsScrape(samples);
    }

    /**
     * How many observations of a histogram were above {@code bound}: its count minus its largest bucket
     * whose upper bound is at most {@code bound} (so observations between that bucket's bound and
     * {@code bound} count as above). 0 when the endpoint did not report the histogram.
     *
     * @param labels the series' labels without {@code le}, e.g. {@code outcome="ok"}
     */
    public double countAbove(String histogram, String labels, double bound) {
        String bucketPrefix = histogram + "_bucket{" + (labels.isEmpty() ? "" : labels + ",") + "le=\"";
        double below = 0;
        double bestBound = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            if (!key.startsWith(bucketPrefix) || !key.endsWith("\"}")) {
                continue;
            }
            String le = key.substring(bucketPrefix.length(), key.length() - 2);
            double upper = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            if (upper <= bound && upper > bestBound) {
                bestBound = upper;
                below = sample.getValue();
            }
        }
        return value(histogram + "_count" + (labels.isEmpty() ? "" : "{" + labels + "}")) - below;
    }

    /** The sample's value, 0 when the endpoint did not report it. */
    public double value(String nameWithLabels) {
        return samples.getOrDefault(nameWithLabels, 0.0);
    }
}
