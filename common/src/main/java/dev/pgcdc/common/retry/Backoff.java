package dev.pgcdc.common.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * Jittered exponential backoff: the wait after the n-th failed attempt is
 * {@code min(max, initial × multiplier^(n-1))}, less a random share of up to {@code jitter} of
 * it, so that many clients failing together do not retry in lock step. {@code jitter} 0 gives
 * the exact exponential series; 1 gives "full jitter" (anywhere between zero and the series).
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be above zero, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below the initial " + initial);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
    }

    /** Doubling from {@code initial} up to {@code max}, up to 20 % less at random. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2.0, 0.2);
    }

    /**
     * The wait after a failed attempt.
     *
     * @param failedAttempt 1 after the first attempt failed, 2 after the second, ...
     * @param random a number in {@code [0, 1)}; 0 gives the upper bound
     */
    public Duration delay(int failedAttempt, double random) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt counts from 1, got " + failedAttempt);
        }
        double exponential = initial.toNanos() * Math.pow(multiplier, failedAttempt - 1);
        // Capping as a double first: the series overflows a long after a few dozen attempts.
        double capped = Math.min(exponential, max.toNanos());
        double jittered = capped * (1.0 - jitter * random);
        return Duration.ofNanos(Math.round(jittered));
    }
}
