package dev.pgcdc.common.retry;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void growsByTheMultiplierUpToTheMaximum() {
        Backoff backoff = new Backoff(ofMillis(100), ofSeconds(1), 2.0, 0.5);

        assertThat(IntStream.rangeClosed(1, 6).mapToObj(n -> backoff.delay(n, 0.0)))
                .containsExactly(ofMillis(100), ofMillis(200), ofMillis(400), ofMillis(800), ofSeconds(1), ofSeconds(1));
    }

    @Test
    void takesARandomShareOfUpToTheJitterOff() {
        Backoff backoff = new Backoff(ofMillis(1000), ofSeconds(10), 3.0, 0.5);

        assertThat(backoff.delay(1, 0.5)).isEqualTo(ofMillis(750));
        assertThat(backoff.delay(2, 0.999_999)).isBetween(ofMillis(1500), ofMillis(1501));
        assertThat(new Backoff(ofMillis(1000), ofSeconds(10), 2.0, 0.0).delay(3, 0.9)).isEqualTo(ofSeconds(4));
        assertThat(new Backoff(ofMillis(1000), ofSeconds(10), 2.0, 1.0).delay(1, 0.9)).isEqualTo(ofMillis(100));
    }

    @Test
    void staysAtTheMaximumForHugeAttemptNumbers() {
        Backoff backoff = Backoff.exponential(ofMillis(100), ofSeconds(30));

        assertThat(backoff.delay(10_000, 0.0)).isEqualTo(ofSeconds(30));
        assertThat(backoff.delay(Integer.MAX_VALUE, 0.0)).isEqualTo(ofSeconds(30));
    }

    @Test
    void rejectsSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, ofSeconds(1), 2, 0)).hasMessageContaining("above zero");
        assertThatThrownBy(() -> new Backoff(ofSeconds(2), ofSeconds(1), 2, 0)).hasMessageContaining("below the initial");
        assertThatThrownBy(() -> new Backoff(ofSeconds(1), ofSeconds(2), 0.5, 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new Backoff(ofSeconds(1), ofSeconds(2), Double.NaN, 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new Backoff(ofSeconds(1), ofSeconds(2), 2, 1.5)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> Backoff.exponential(ofSeconds(1), ofSeconds(2)).delay(0, 0))
                .hasMessageContaining("counts from 1");
    }
}
