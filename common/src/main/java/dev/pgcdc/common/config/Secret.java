package dev.pgcdc.common.config;

import java.util.Objects;

/**
 * A password, API key or other credential from the configuration. Its {@code toString()} never
 * shows the value; only {@link #reveal()} does, and callers pass that straight to the client that
 * needs it, never to a log line or an exception message.
 */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
