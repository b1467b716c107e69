package dev.pgcdc.sink;

/**
 * A condition the sink cannot work around (rejected credentials, no dead-letter topic for a record
 * that can never be applied, a broken configuration). The message says what happened and what to
 * do, and never contains a secret; {@link Main} logs it once and exits non-zero.
 */
public class SinkFatalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SinkFatalException(String message) {
        super(message);
    }

    public SinkFatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
