package dev.pgcdc.replicator.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the values of one column become JSON: the PostgreSQL type's name as events report it (e.g.
 * {@code int4}, {@code _text}, a user type's name) and the conversion of its text form.
 * Implementations are immutable and thread-safe.
 */
public interface ColumnType {

    /** The type name written into each event's {@code columns}. */
    String name();

    /** Converts the type's text output to JSON of the right kind; never throws for odd input (falls back to text). */
    JsonNode toJson(String text);
}
