package dev.pgcdc.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

    @Test
    void readsSamplesByNameAndLabelsAndSkipsComments() {
        MetricsScrape scrape = MetricsScrape.parse("""
                # HELP pgcdc_sink_bulk_seconds Latency of bulk requests
                # TYPE pgcdc_sink_bulk_seconds histogram
                pgcdc_sink_bulk_seconds_count{outcome="ok"} 412.0
                pgcdc_sink_bulk_seconds_sum{outcome="ok"} 38.25
                pgcdc_sink_bulk_actions_sum 400000.0
                """);
        assertThat(scrape.value("pgcdc_sink_bulk_seconds_count{outcome=\"ok\"}")).isEqualTo(412.0);
        assertThat(scrape.value("pgcdc_sink_bulk_seconds_sum{outcome=\"ok\"}")).isEqualTo(38.25);
        assertThat(scrape.value("pgcdc_sink_bulk_actions_sum")).isEqualTo(400000.0);
        assertThat(scrape.value("pgcdc_sink_bulk_seconds_count{outcome=\"failed\"}")).isZero();
    }

    @Test
    void countsAHistogramsObservationsAboveABoundFromItsBuckets() {
        MetricsScrape scrape = MetricsScrape.parse("""
                pgcdc_sink_bulk_seconds_bucket{outcome="ok",le="0.111848106"} 742
                pgcdc_sink_bulk_seconds_bucket{outcome="ok",le="0.447392426"} 799
                pgcdc_sink_bulk_seconds_bucket{outcome="ok",le="0.626349396"} 800
                pgcdc_sink_bulk_seconds_bucket{outcome="ok",le="1.431655765"} 806
                pgcdc_sink_bulk_seconds_bucket{outcome="ok",le="+Inf"} 806
                pgcdc_sink_bulk_seconds_bucket{outcome="failed",le="0.447392426"} 0
                pgcdc_sink_bulk_seconds_count{outcome="ok"} 806
                pgcdc_sink_bulk_seconds_count{outcome="failed"} 3
                """);
        assertThat(scrape.countAbove("pgcdc_sink_bulk_seconds", "outcome=\"ok\"", 0.5)).isEqualTo(7.0);
        assertThat(scrape.countAbove("pgcdc_sink_bulk_seconds", "outcome=\"ok\"", 0.1)).isEqualTo(806.0);
        assertThat(scrape.countAbove("pgcdc_sink_bulk_seconds", "outcome=\"ok\"", 2.0)).isZero();
        assertThat(scrape.countAbove("pgcdc_sink_bulk_seconds", "outcome=\"failed\"", 0.5)).isEqualTo(3.0);
        assertThat(scrape.countAbove("pgcdc_other_seconds", "", 0.5)).isZero();
    }
}
