package dev.pgcdc.common.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeSet;

/**
 * Turns change events into the bytes of Kafka record values and keys, and back. Numbers keep
 * every digit: decimals are read as {@code BigDecimal} with their scale ({@code 10.50} stays
 * {@code 10.50}) and written in plain notation (a negative scale, {@code 1.2E+3}, is written as
 * {@code 1200} and reads back as that integer).
 *
 * <p>Record key format (stable for a row, so every change of a row lands in one partition, in
 * order): {@code {"schema":"public","table":"users","key":{"id":42}}}, key columns in key order
 * (the order of the key columns in {@link ChangeEvent#columns()}, whatever order the key object
 * was filled in), so equal events give the same bytes.
 * The table is part of the key because the default is one topic for every table, and a compacted
 * topic must not merge rows of two tables that share a key value. Truncates carry no row key:
 * {@code {"schema":"public","table":"users","key":null}}; so do the other table-wide events.
 *
 * <p>Thread-safe: the Jackson readers and writers it holds are immutable.
 */
public final class ChangeEventCodec {

    /**
     * The project's JSON mapper: exact decimals, plain BigDecimal output, characters beyond the
     * BMP (emoji) written as UTF-8. Shared, thread-safe.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final ObjectWriter EVENT_WRITER = MAPPER.writerFor(ChangeEvent.class);
    // Trailing data, duplicate members and nulls for numbers mean the record is not what a
    // producer of this codec wrote; reading them leniently would silently lose data.
    private static final ObjectReader EVENT_READER = MAPPER.readerFor(ChangeEvent.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

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
            throw new MalformedEventException("not a change event: " + DecodeProblem.explain(value, e), e);
        }
    }

    /** The record key for an event; see the class comment for the format. */
    public static byte[] encodeKey(ChangeEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schema", event.source().schema());
        node.put("table", event.source().table());
        node.set("key", keyInKeyOrder(event));
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

    /** Key columns first in key order, then (defensively) any other key members by name. */
    private static JsonNode keyInKeyOrder(ChangeEvent event) {
        ObjectNode key = event.key();
        if (key == null) {
            return NullNode.getInstance();
        }
        ObjectNode ordered = MAPPER.createObjectNode();
        for (String column : event.keyColumns()) {
            JsonNode value = key.get(column);
            if (value != null) {
                ordered.set(column, value);
            }
        }
        if (ordered.size() < key.size()) {
            TreeSet<String> others = new TreeSet<>();
            key.fieldNames().forEachRemaining(others::add);
            others.forEach(name -> ordered.putIfAbsent(name, key.get(name)));
        }
        return ordered;
    }
}
