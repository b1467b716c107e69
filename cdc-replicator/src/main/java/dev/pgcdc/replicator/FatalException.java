package dev.pgcdc.replicator;

/**
 * The replicator cannot go on without an operator: invalid configuration, a missing prerequisite,
 * failed authentication, a lost slot, a producer error that retrying cannot cure. The message says
 * what happened and what to do; it never contains a secret. Logged once, then the process exits
 * non-zero and nothing past the failure is confirmed.
 */
public class FatalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FatalException(String message) {
        super(message);
    }

    public FatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
