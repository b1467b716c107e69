package dev.pgcdc.common.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an operation until it succeeds, waiting with {@link Backoff} between attempts, as long as
 * each failure is retriable by {@link Retriability} and attempts remain. Built once, used for any
 * number of calls (each call starts from attempt 1); immutable and thread-safe, the operation runs
 * on the calling thread.
 *
 * <pre>{@code
 * Retry connect = Retry.builder("connect to PostgreSQL")
 *         .retryOn(Retriability.retryOn(IOException.class, SQLTransientException.class))
 *         .unlimitedAttempts()
 *         .backoff(Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30)))
 *         .build();
 * Connection connection = connect.call(() -> DriverManager.getConnection(url, properties));
 * }</pre>
 */
public final class Retry {

    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    /** An attempt; may throw anything, which {@link Retriability} then judges. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call() throws Exception;
    }

    /** An attempt without a result. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Told before each wait; called on the retrying thread. The default logs a warning. */
    @FunctionalInterface
    public interface Listener {
        void retrying(String description, int failedAttempt, Throwable error, Duration delay);
    }

    private final String description;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Retriability retriability;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final Listener listener;

    private Retry(Builder builder) {
        this.description = builder.description;
        this.maxAttempts = builder.maxAttempts;
        this.backoff = builder.backoff;
        this.retriability = builder.retriability;
        this.sleeper = builder.sleeper;
        this.random = builder.random;
        this.listener = builder.listener;
    }

    /** @param description what is attempted, e.g. "connect to PostgreSQL"; used in messages */
    public static Builder builder(String description) {
        return new Builder(description);
    }

    /**
     * Returns the first successful result.
     *
     * @throws RetryFailedException when an error is not retriable or the attempts run out
     * @throws InterruptedException when the thread is interrupted while waiting (or an attempt
     *     throws it); no further attempt is made
     */
    public <T> T call(Attempt<T> attempt) throws InterruptedException {
        for (int number = 1; ; number++) {
            try {
                return attempt.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (Thread.interrupted()) {
                    // Shutting down: an attempt cut short by an interrupt is not retried. Throwing
                    // InterruptedException hands the interrupt on, so the flag is cleared.
                    throw new InterruptedException(description + " was interrupted");
                }
                if (!retriability.isRetriable(e)) {
                    throw new RetryFailedException(description, number, true, e);
                }
                if (number >= maxAttempts) {
                    throw new RetryFailedException(description, number, false, e);
                }
                Duration delay = backoff.delay(number, random.getAsDouble());
                listener.retrying(description, number, e, delay);
                sleeper.sleep(delay);
            }
        }
    }

    /** Like {@link #call}, for an action without a result. */
    public void run(Action action) throws InterruptedException {
        call(() -> {
            action.run();
            return null;
        });
    }

    private static void logRetry(String description, int failedAttempt, Throwable error, Duration delay) {
        LOG.warn("{} failed (attempt {}): {}; retrying in {} ms", description, failedAttempt, error.toString(),
                delay.toMillis());
    }

    /** Collects the settings of a {@link Retry}; not thread-safe. */
    public static final class Builder {
        private final String description;
        private int maxAttempts;
        private Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30));
        private Retriability retriability;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Listener listener = Retry::logRetry;

        private Builder(String description) {
            this.description = Objects.requireNonNull(description, "description");
        }

        /** Attempts in all, the first included; at least 1. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Retries for as long as the errors are retriable (until interrupted). */
        public Builder unlimitedAttempts() {
            this.maxAttempts = Integer.MAX_VALUE;
            return this;
        }

        /** Default: from 100 ms, doubling, up to 30 s, 20 % jitter. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Required: which errors are worth another attempt. */
        public Builder retryOn(Retriability retriability) {
            this.retriability = Objects.requireNonNull(retriability, "retriability");
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Source of the jitter, numbers in {@code [0, 1)}. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @throws IllegalStateException when the attempts or the retriability are not set */
        public Retry build() {
            if (maxAttempts == 0) {
                throw new IllegalStateException(description + ": set maxAttempts(n) or unlimitedAttempts()");
            }
            if (retriability == null) {
                throw new IllegalStateException(description + ": set retryOn(...); no error is retriable by default");
            }
            return new Retry(this);
        }
    }
}
