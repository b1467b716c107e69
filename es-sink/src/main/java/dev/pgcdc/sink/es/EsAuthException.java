package dev.pgcdc.sink.es;

import dev.pgcdc.sink.SinkFatalException;

/**
 * Elasticsearch answered 401 or 403: never retried, never dead-lettered; the sink stops. Carries no
 * cause: the client's exception may quote the request, and with it a credential.
 */
public final class EsAuthException extends SinkFatalException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the HTTP status, 401 (credentials rejected) or 403 (privileges missing) */
    public EsAuthException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** True for 401: the credentials themselves were rejected, not a privilege. */
    public boolean credentialsRejected() {
        return status == 401;
    }
}
