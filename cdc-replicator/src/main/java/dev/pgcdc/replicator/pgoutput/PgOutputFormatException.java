package dev.pgcdc.replicator.pgoutput;

/**
 * Thrown when bytes cannot be decoded as a pgoutput protocol version 1 message: an unknown tag, a
 * truncated buffer, a negative length or count, or bytes left over after the message. The stream is
 * unusable past such a message, so this is fatal: retrying the same bytes fails the same way.
 */
public final class PgOutputFormatException extends RuntimeException {

    public PgOutputFormatException(String message) {
        super(message);
    }
}
