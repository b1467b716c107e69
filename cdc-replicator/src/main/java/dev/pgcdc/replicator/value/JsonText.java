package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * json and jsonb text to a JSON tree, losslessly: fractional numbers become BigDecimals with their
 * trailing zeros kept (jsonb stores numbers as numeric), big integers BigIntegers. A json value that is
 * the literal {@code null} becomes a JSON null, the same as an SQL NULL. For json (not jsonb) with
 * repeated keys the last one wins, as it does for jsonb.
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

    private JsonText() {
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
