package dev.pgcdc.sink.es;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheMaximumWithJitterBetweenHalfAndAll() {
        Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.0);
        Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.999_999);
        assertThat(low.delay(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(high.delay(0)).isEqualTo(Duration.ofMillis(99));
        assertThat(low.delay(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(low.delay(30)).isEqualTo(Duration.ofSeconds(1));
        assertThat(high.delay(30)).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void statusesAreSortedByType() {
        assertThat(Failures.ofStatus(401)).isEqualTo(Failures.Kind.AUTH);
        assertThat(Failures.ofStatus(403)).isEqualTo(Failures.Kind.AUTH);
        assertThat(Failures.ofStatus(429)).isEqualTo(Failures.Kind.RETRIABLE);
        assertThat(Failures.ofStatus(503)).isEqualTo(Failures.Kind.RETRIABLE);
        assertThat(Failures.ofStatus(413)).isEqualTo(Failures.Kind.TOO_LARGE);
        assertThat(Failures.ofStatus(400)).isEqualTo(Failures.Kind.PERMANENT);
        assertThat(Failures.classify(new java.net.ConnectException("refused"))).isEqualTo(Failures.Kind.RETRIABLE);
    }
}
