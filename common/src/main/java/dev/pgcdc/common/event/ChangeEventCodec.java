package dev.pgcdc.common.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

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
 * <p>Thread-safe: the Jackson reader it holds is immutable, and each thread encodes with its own
 * {@link ChangeEventWriter} (a streaming generator over a reusable buffer) and decodes the encoding
 * that writer produces with its own {@link ChangeEventReader}.
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

    // The replicator's hot path: one streaming writer per thread (snapshot workers encode in parallel).
    private static final ThreadLocal<ChangeEventWriter> WRITER = ThreadLocal.withInitial(ChangeEventWriter::new);

    // The sink's hot path: one streaming reader per thread for the canonical encoding; EVENT_READER decides the rest.
    private static final ThreadLocal<ChangeEventReader> READER = ThreadLocal.withInitial(ChangeEventReader::new);

    // Trailing data, duplicate members and nulls for numbers mean the record is not what a
    // producer of this codec wrote; reading them leniently would silently lose data.
    // The authority on what decodes, and how; package-private for the tests comparing ChangeEventReader with it.
    static final ObjectReader EVENT_READER = MAPPER.readerFor(ChangeEvent.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private ChangeEventCodec() {
    }

    /** The record value: the event as JSON, members in the order of {@link ChangeEvent}'s components. */
    public static byte[] encode(ChangeEvent event) {
        return WRITER.get().event(event);
    }

    /**
     * Parses a Kafka record value. Events of one table decoded on one thread whose columns equal the
     * previous ones usually share that {@link ChangeEvent#columns()} list instance, so a consumer may skip
     * per-table-shape work when it sees the same instance again (a hint, not a promise: compare with
     * {@code equals} when it matters).
     *
     * @throws MalformedEventException when the bytes are not JSON or not a change event; the
     *     message says what is wrong (it is the reason written to the dead-letter topic)
     */
    public static ChangeEvent decode(byte[] value) {
        if (value == null) {
            throw new MalformedEventException("record has no value (a tombstone is not a change event)");
        }
        ChangeEvent event = READER.get().read(value);
        if (event != null) {
            return event;
        }
        try {
            return EVENT_READER.readValue(value);
        } catch (IOException | RuntimeException e) {
            throw new MalformedEventException("not a change event: " + DecodeProblem.explain(value, e), e);
        }
    }

    /** The record key for an event; see the class comment for the format. */
    public static byte[] encodeKey(ChangeEvent event) {
        return WRITER.get().key(event);
    }

    /**
     * Writes a JSON tree to a generator made by {@link #MAPPER} (plain BigDecimals, UTF-8 surrogates):
     * the bytes {@code MAPPER.writeTree} writes, without its per-call serializer provider. For writers
     * that stream documents over a reused buffer.
     */
    public static void writeTree(JsonGenerator generator, JsonNode tree) throws IOException {
        ChangeEventWriter.writeValue(generator, tree);
    }

    /** Parses any JSON value with the project's number rules. */
    public static JsonNode readTree(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }
}
