package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.MetricsScrape;
import java.io.IOException;

/** Report notes on a sink run (W1, W2): its bulk requests and what Elasticsearch did for its index. */
final class SinkNotes {

    private SinkNotes() {
    }

    /**
     * The sink's bulk requests as its /metrics counted them: how many, their mean size and mean latency
     * (which includes building the body and reading the answer), and how many took over half a second.
     */
    static String bulkRequests(int metricsPort) {
        MetricsScrape scrape;
        try {
            scrape = MetricsScrape.read(metricsPort);
        } catch (IOException e) {
            return "the sink's /metrics could not be read (" + e.getMessage() + ")";
        }
        double requests = scrape.value("pgcdc_sink_bulk_seconds_count{outcome=\"ok\"}");
        double seconds = scrape.value("pgcdc_sink_bulk_seconds_sum{outcome=\"ok\"}");
        double actions = scrape.value("pgcdc_sink_bulk_actions_sum");
        double slow = scrape.countAbove("pgcdc_sink_bulk_seconds", "outcome=\"ok\"", 0.5);
        return String.format(java.util.Locale.ROOT, "%,.0f bulk requests of %.0f actions on average, %.1f ms each on"
                + " average (%,.1f s in all), %,.0f of them over 0.5 s", requests, requests == 0 ? 0.0 : actions / requests,
                requests == 0 ? 0.0 : seconds * 1000 / requests, seconds, slow);
    }

    /** What Elasticsearch did for the index (see {@link dev.pgcdc.bench.measure.EsProbe#indexWork}), for a note. */
    static String esWork(Context ctx, String index) {
        try {
            return "Elasticsearch's work on " + index + ": " + ctx.es.indexWork(index);
        } catch (IOException e) {
            return "Elasticsearch's stats of " + index + " could not be read (" + e.getMessage() + ")";
        }
    }
}
