package dev.pgcdc.common.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns change events into the bytes of Kafka record values and keys, and back. Numbers keep
 * every digit: decimals are read as {@code BigDecimal} with their scale ({@code 10.50} stays
 * {@code 10.50}) and written in plain notation.
 *
 * <p>Record key format (stable for a row, so every change of a row lands in one partition, in
 * order): {@code {"schema":"public","table":"users","key":{"id":42}}}, key columns in key order.
 * The table is part of the key because the default is one topic for every table, and a compacted
 * topic must not merge rows of two tables that share a key value. Truncates carry no row key:
 * {@code {"schema":"public","table":"users","key":null}}.
 *
 * <p>Thread-safe: the Jackson readers and writers it holds are immutable.
 */
public final class ChangeEventCodec {

    /** The project's JSON mapper: exact decimals, plain BigDecimal output. Shared, thread-safe. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final ObjectWriter EVENT_WRITER = MAPPER.writerFor(ChangeEvent.class);
    private static final ObjectReader EVENT_READER = MAPPER.readerFor(ChangeEvent.class);

    private ChangeEventCodec() {
    }

    public static byte[] encode(ChangeEvent event) {
        try {
            return EVENT_WRITER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not serialise change event of " + event.source().qualifiedTable(), e);
        }
    }

    /**
     * Parses a Kafka record value.
     *
     * @throws MalformedEventException when the bytes are not JSON or not a change event; the
     *     message says what is wrong (it is the reason written to the dead-letter topic)
     */
    public static ChangeEvent decode(byte[] value) {
        if (value == null) {
            throw new MalformedEventException("record has no value (a tombstone is not a change event)");
        }
        try {
            return EVENT_READER.readValue(value);
        } catch (IOException | RuntimeException e) {
            throw new MalformedEventException("not a change event: " + describe(e), e);
        }
    }

    /** The record key for an event; see the class comment for the format. */
    public static byte[] encodeKey(ChangeEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schema", event.source().schema());
        node.put("table", event.source().table());
        node.set("key", event.key());
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not serialise the key of " + event.source().qualifiedTable(), e);
        }
    }

    /** Parses any JSON value with the project's number rules. */
    public static JsonNode readTree(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // Jackson appends the source location and a payload excerpt on later lines; the first line says what is wrong.
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
