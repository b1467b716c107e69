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
 * {@code numeric} prints them, so {@link #jsonb} only removes the blanks between tokens and carries the
 * result as a raw value ({@link RawValue} in a {@link POJONode}), which the event writer copies as it is.
 * These are the bytes the tree would have been written as, at a fraction of the cost (a W1 row's event:
 * 2.8 → 1.8 µs from pgoutput bytes to JSON, bench EventMappingBenchmark.decodeToBytes).
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

    /**
     * jsonb's text output as a raw JSON value: blanks outside strings removed, and the four hex digits of
     * an escaped control character in upper case (PostgreSQL writes them in lower case), as the event
     * writer escapes strings.
     *
     * @throws IllegalArgumentException when the text ends inside an escape (not jsonb output)
     */
    static JsonNode jsonb(String text) {
        if (NULL.equals(text)) {
            return NullNode.instance;
        }
        return new POJONode(new RawValue(compact(text)));
    }

    /** See {@link #jsonb}; package-private for the test that compares it with parsing and writing the tree. */
    static String compact(String text) {
        try {
            return compactJsonbOutput(text);
        } catch (StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not jsonb output: the text ends inside an escape", e);
        }
    }

    private static String compactJsonbOutput(String text) {
        int length = text.length();
        char[] out = new char[length];
        int n = 0;
        boolean inString = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (inString) {
                out[n++] = c;
                if (c == '"') {
                    inString = false;
                } else if (c == '\\') {
                    char escaped = text.charAt(++i);
                    out[n++] = escaped;
                    if (escaped == 'u') {
                        for (int end = i + 4; i < end; ) {
                            out[n++] = Character.toUpperCase(text.charAt(++i));
                        }
                    }
                }
            } else if (c == '"') {
                inString = true;
                out[n++] = c;
            } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
                out[n++] = c;
            }
        }
        return n == length ? text : new String(out, 0, n);
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
