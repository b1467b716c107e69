package dev.pgcdc.replicator;

/**
 * A failure that a new session may cure: a lost connection to PostgreSQL or Kafka, a server
 * restarting, a slot still held by the walsender of a dead session. The replicator reconnects
 * with backoff and resumes from the confirmed position.
 */
public class RetriableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
