package dev.pgcdc.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Map;

/** Compares JSON trees by the text they encode to, so number node types and raw values do not matter. */
final class JsonValues {

    // Jackson's own DecimalNode.equals ignores the scale (10.50 equals 10.5), so numbers never use it.
    private static final Comparator<JsonNode> SAME_TEXT = (a, b) -> {
        boolean same = a.isNumber() || b.isNumber() ? sameNumber(a, b) : a.equals(b);
        return same ? 0 : 1;
    };

    private JsonValues() {
    }

    /** True when both are null, or both encode to the same JSON value (member order aside). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return withRawValuesParsed(a).equals(SAME_TEXT, withRawValuesParsed(b));
    }

    /**
     * The tree with every raw JSON value (see {@link ChangeEventWriter#writeValue}) parsed, so that a
     * raw value equals the tree it encodes; the node itself when it holds none.
     */
    private static JsonNode withRawValuesParsed(JsonNode node) {
        String json = ChangeEventWriter.rawJson(node);
        if (json != null) {
            try {
                return ChangeEventCodec.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("a raw JSON value is not JSON: " + e.getOriginalMessage(), e);
            }
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                copy.set(member.getKey(), withRawValuesParsed(member.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(array.size());
            for (JsonNode element : array) {
                copy.add(withRawValuesParsed(element));
            }
            return copy;
        }
        return node;
    }

    private static boolean sameNumber(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() && numberText(a).equals(numberText(b));
    }

    /** The digits the codec writes for a number (BigDecimal in plain notation). */
    private static String numberText(JsonNode number) {
        if (number.isBigDecimal()) {
            return number.decimalValue().toPlainString();
        }
        if (number.isIntegralNumber()) {
            return number.bigIntegerValue().toString();
        }
        return number.asText();
    }
}
