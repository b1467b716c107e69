package dev.pgcdc.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A column of the captured table as PostgreSQL describes it: its name, its type name (e.g.
 * {@code int4}, {@code numeric}, {@code _text} for {@code text[]}, or a user type's name) and
 * whether it belongs to the row's key.
 */
public record Column(
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "type", required = true) String type,
        @JsonProperty("key") boolean key) {

    public Column {
        Objects.requireNonNull(name, "'name' is required");
        Objects.requireNonNull(type, "'type' is required");
    }
}
