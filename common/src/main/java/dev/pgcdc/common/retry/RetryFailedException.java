package dev.pgcdc.common.retry;

/**
 * An operation run by {@link Retry} did not succeed: either an attempt failed with an error that
 * is not retriable, or every allowed attempt failed. The cause is the last attempt's error.
 */
public final class RetryFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final boolean fatal;

    RetryFailedException(String description, int attempts, boolean fatal, Throwable cause) {
        super(description + (fatal ? " failed with an error that is not retried" : " failed " + attempts + " times; giving up")
                + " (" + cause.getClass().getName() + ")", cause);
        this.attempts = attempts;
        this.fatal = fatal;
    }

    /** Attempts made, including the last. */
    public int attempts() {
        return attempts;
    }

    /** True when the last error was not retriable; false when the attempts ran out. */
    public boolean fatal() {
        return fatal;
    }
}
