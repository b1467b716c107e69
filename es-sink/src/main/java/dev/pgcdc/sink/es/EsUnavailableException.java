package dev.pgcdc.sink.es;

/**
 * A whole request failed in a way that may pass on its own: connection refused or reset, a
 * timeout, 429, 5xx. The caller retries with backoff.
 */
public final class EsUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public EsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
