package dev.pgcdc.common.event;

/** A Kafka record that is not a valid change event; never retriable. The message is the reason. */
public final class MalformedEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
