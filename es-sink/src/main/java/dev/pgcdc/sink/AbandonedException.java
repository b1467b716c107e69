package dev.pgcdc.sink;

/** The sink is stopping: the current batch is abandoned; nothing unacknowledged gets committed. */
public final class AbandonedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AbandonedException() {
        super("the sink is stopping; the current batch was abandoned");
    }
}
