package dev.pgcdc.devstack;

import java.util.function.Supplier;

/**
 * A resource created on first {@link #get()} and closed by {@link #close()}. Each instance has its own
 * lock, so different engines can start concurrently; a second caller waits for the first's start. A failed
 * start is remembered and reported again at once, rather than every later test waiting for it to time out.
 */
final class Lazy<T extends AutoCloseable> implements AutoCloseable {

    private final String name;
    private final Supplier<T> factory;
    private T value;
    private RuntimeException failure;
    private boolean closed;

    Lazy(String name, Supplier<T> factory) {
        this.name = name;
        this.factory = factory;
    }

    synchronized T get() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (failure != null) {
            throw new IllegalStateException(name + " failed to start earlier in this JVM", failure);
        }
        if (value == null) {
            try {
                value = factory.get();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return value;
    }

    @Override
    public synchronized void close() throws Exception {
        closed = true;
        if (value != null) {
            value.close();
        }
    }
}
