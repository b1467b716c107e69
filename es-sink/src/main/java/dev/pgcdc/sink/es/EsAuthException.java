package dev.pgcdc.sink.es;

import dev.pgcdc.sink.SinkFatalException;

/** Elasticsearch answered 401 or 403: never retried, never dead-lettered; the sink stops. */
public final class EsAuthException extends SinkFatalException {
    private static final long serialVersionUID = 1L;

    public EsAuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
