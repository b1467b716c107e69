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
}
