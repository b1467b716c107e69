package dev.pgcdc.sink.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes the values of {@code json}/{@code jsonb} columns (and their arrays) acceptable to the field types
 * {@code json_mapping} gives them. Elasticsearch 9 rejects a document (400 {@code document_parsing_exception})
 * when a {@code flattened} or {@code object} field holds a string, number or boolean, or an array with such
 * an element at any depth; it accepts null, objects, and arrays (nested or not) of objects and nulls. A
 * rejected value is stored as the object {@code {"_value": <value>}}, so the row is indexed and the value
 * searchable ({@code j._value}; under {@code flattened} a query on {@code j} matches it too). An object
 * whose only field is {@code _value} is wrapped as well, so the rule reverses without ambiguity: a stored
 * object whose only field is {@code _value} is a wrapping, anything else is the value itself. Pure and
 * thread-safe.
 */
public final class JsonColumns {

    /** The field of the object that wraps a value the mapping would reject. */
    public static final String WRAPPER = "_value";

    private JsonColumns() {
    }

    /** Whether a column of this PostgreSQL type ({@code jsonb}, {@code _json} …) gets a JSON mapping. */
    public static boolean isJson(String pgType) {
        String type = pgType.toLowerCase(Locale.ROOT);
        return type.equals("json") || type.equals("jsonb") || type.equals("_json") || type.equals("_jsonb");
    }

    /** Replaces, in {@code row}, each JSON column's value that needs it by its wrapping. */
    public static void wrapInPlace(ObjectNode row, List<Column> columns) {
        for (Column column : columns) {
            JsonNode value = row.get(column.name());
            if (value != null && isJson(column.type())) {
                row.set(column.name(), wrap(value));
            }
        }
    }

    /**
     * For each name of a JSON column, how many times {@link #wrapInPlace} wraps its value: once per JSON
     * column of that name (PostgreSQL names each column once; a list naming one twice wraps it twice).
     */
    static Map<String, Integer> wrapCounts(List<Column> columns) {
        Map<String, Integer> counts = new HashMap<>();
        for (Column column : columns) {
            if (isJson(column.type())) {
                counts.merge(column.name(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** {@code value} itself when a {@code flattened} or {@code object} field takes it as it is, else its wrapping. */
    public static JsonNode wrap(JsonNode value) {
        if (!needsWrapping(value)) {
            return value;
        }
        ObjectNode wrapping = ChangeEventCodec.MAPPER.createObjectNode();
        wrapping.set(WRAPPER, value);
        return wrapping;
    }

    /**
     * The rule: whether a JSON column's value is stored as {@code {"_value": value}} rather than as it is.
     * For writers that stream the wrapping instead of building it.
     */
    static boolean needsWrapping(JsonNode value) {
        return !structured(value) || looksWrapped(value);
    }

    /** The inverse of {@link #wrap}. */
    public static JsonNode unwrap(JsonNode stored) {
        return looksWrapped(stored) ? stored.get(WRAPPER) : stored;
    }

    /** Null, an object, or an array whose elements are all structured. Objects are not descended into. */
    private static boolean structured(JsonNode value) {
        if (value.isNull() || value.isObject()) {
            return true;
        }
        if (!value.isArray()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!structured(element)) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksWrapped(JsonNode value) {
        return value.isObject() && value.size() == 1 && value.has(WRAPPER);
    }
}
