package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Converts the non-null text output of one PostgreSQL type to JSON. Implementations throw
 * IllegalArgumentException or java.time.DateTimeException when the text is not valid for the type;
 * {@link ValueConverter} then falls back to the text itself, so nested conversions (array elements,
 * range bounds) must throw rather than fall back on their own.
 */
@FunctionalInterface
interface TextConversion {

    JsonNode convert(String text);
}
