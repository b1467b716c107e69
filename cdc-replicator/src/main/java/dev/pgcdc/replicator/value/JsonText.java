package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;

/**
 * json and jsonb text to JSON, losslessly.
 *
 * <p>json text is parsed to a tree: fractional numbers become BigDecimals with their trailing zeros
 * kept, big integers BigIntegers; with repeated keys the last one wins, as it does for jsonb.
 *
 * <p>jsonb text is not parsed: PostgreSQL writes it as valid JSON with no repeated keys and numbers as
 * {@code numeric} prints them, so {@link #jsonb} carries it as it is, as a raw value ({@link RawValue}
 * in a {@link POJONode}) that the event writer copies into the event. It encodes the same JSON value as
 * the tree would, with PostgreSQL's blanks after {@code ,} and {@code :}; record keys, whose bytes
 * choose the partition, are written from the parsed tree, as before (see ChangeEventWriter). Skipping
 * the tree takes a W1 row's event from 2.8 to 1.7 µs, pgoutput bytes to JSON (bench
 * EventMappingBenchmark.decodeToBytes).
 *
 * <p>For both, the literal {@code null} becomes a JSON null, the same as an SQL NULL.
 */
final class JsonText {

    // jsonb numbers are numerics (up to 131072 digits before the point and 16383 after) and strings
    // are bounded only by the 1 GB field limit, so Jackson's defaults would reject valid values.
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNumberLength(150_000)
            .maxStringLength(Integer.MAX_VALUE)
            .maxNameLength(Integer.MAX_VALUE)
            .maxNestingDepth(10_000)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper
            .builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private static final String NULL = "null";

    private JsonText() {
    }

    /** jsonb's text output as a raw JSON value, or a JSON null for {@code null}. */
    static JsonNode jsonb(String text) {
        if (NULL.equals(text)) {
            return NullNode.instance;
        }
        return new POJONode(new RawValue(text));
    }

    static JsonNode parse(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON text");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
