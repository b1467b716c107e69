package dev.pgcdc.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleValues() {
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
    }

    @Test
    void medianOfNothingIsNaN() {
        assertThat(Stats.median(List.of())).isNaN();
    }

    @Test
    void percentileIsTheNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1; // 1..100
        }
        assertThat(Stats.percentile(sorted, 50)).isEqualTo(50);
        assertThat(Stats.percentile(sorted, 95)).isEqualTo(95);
        assertThat(Stats.percentile(sorted, 99)).isEqualTo(99);
        assertThat(Stats.percentile(sorted, 100)).isEqualTo(100);
        assertThat(Stats.percentile(sorted, 0.5)).isEqualTo(1);
    }

    @Test
    void percentileOfFewSamplesRoundsTheRankUp() {
        assertThat(Stats.percentile(new long[] {10, 20, 30}, 50)).isEqualTo(20);
        assertThat(Stats.percentile(new long[] {10, 20, 30}, 99)).isEqualTo(30);
        assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void percentileRejectsNoSamplesAndOutOfRangePercentiles() {
        assertThatThrownBy(() -> Stats.percentile(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencySummaryHasThePercentilesAndTheMaximum() {
        Latencies latencies = new Latencies();
        for (int i = 2000; i >= 1; i--) {
            latencies.add(i);
        }
        Latencies.Summary summary = latencies.summary();
        assertThat(summary).isEqualTo(new Latencies.Summary(2000, 1000, 1900, 1980, 2000));
        assertThat(latencies.sortedSamples()).startsWith(1, 2, 3).endsWith(2000);
    }
}
