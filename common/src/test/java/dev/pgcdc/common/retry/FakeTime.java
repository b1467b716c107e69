package dev.pgcdc.common.retry;

import dev.pgcdc.common.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A sleeper that returns at once, advancing a clock by the requested time and recording it. */
final class FakeTime implements Sleeper {

    final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        clock.advance(duration);
    }

    Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
