package dev.pgcdc.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Explains why a record value could not be decoded, in one line fit for a dead-letter header:
 * empty, not JSON, not an object, which required fields are missing, or which field is wrong.
 * Runs only after decoding failed, so it may parse the bytes again; it never throws, since its
 * caller turns the record into a dead letter with this reason.
 */
final class DecodeProblem {

    /** Fields a change event must carry with a non-null value; mirrors the {@code required} annotations. */
    private static final List<String> REQUIRED = List.of("op", "ts_ms", "source",
            "source.schema", "source.table", "source.lsn", "source.commit_lsn", "source.sequence", "source.snapshot");

    private DecodeProblem() {
    }

    static String explain(byte[] value, Exception failure) {
        if (value.length == 0) {
            return "the record value is empty";
        }
        JsonNode tree;
        try {
            tree = ChangeEventCodec.readTree(value);
        } catch (IOException e) {
            return "not valid JSON: " + firstLine(e);
        } catch (NumberFormatException e) {
            // Valid JSON syntax that no BigDecimal holds (an exponent beyond int range): Jackson throws this
            // unchecked, and the record must still reach the dead-letter topic with a reason.
            return "number out of range: " + firstLine(e);
        }
        if (tree == null || tree.isMissingNode()) {
            return "the record value holds no JSON value";
        }
        if (!tree.isObject()) {
            return "expected a JSON object, got " + (tree.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        List<String> missing = new ArrayList<>();
        for (String field : REQUIRED) {
            JsonNode node = tree.at("/" + field.replace('.', '/'));
            if (node.isMissingNode() || node.isNull()) {
                int dot = field.lastIndexOf('.');
                // A missing parent is reported once, not with each of its children.
                if (dot < 0 || !missing.contains(field.substring(0, dot))) {
                    missing.add(field);
                }
            }
        }
        if (!missing.isEmpty()) {
            return (missing.size() == 1 ? "missing field '" : "missing fields '") + String.join("', '", missing) + "'";
        }
        if (!(failure instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return reason(failure);
        }
        StringBuilder where = new StringBuilder();
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                where.append(where.length() == 0 ? "" : ".").append(reference.getFieldName());
                pointer.append('/').append(reference.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (reference.getIndex() >= 0) {
                where.append('[').append(reference.getIndex()).append(']');
                pointer.append('/').append(reference.getIndex());
            }
        }
        if (tree.at(pointer.toString()).isMissingNode()) {
            return "missing field '" + where + "'";
        }
        return "field '" + where + "': " + reason(failure);
    }

    private static String reason(Exception failure) {
        // The event records validate in their constructors; their messages say what is wrong.
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if ((cause instanceof IllegalArgumentException || cause instanceof NullPointerException) && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return firstLine(failure);
    }

    /** Jackson appends the source location and a payload excerpt on later lines; the first line says what is wrong. */
    private static String firstLine(Exception e) {
        String message = e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
