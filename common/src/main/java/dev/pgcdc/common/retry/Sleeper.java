package dev.pgcdc.common.retry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits between attempts. The system one sleeps the calling thread; tests pass one that only
 * advances a fake clock, so that they control time instead of waiting for it.
 */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());

    /** Waits on the calling thread; throws when the thread is interrupted. */
    void sleep(Duration duration) throws InterruptedException;
}
