package dev.pgcdc.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** Compares JSON trees by the text they encode to, so number node types do not matter. */
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
        return a.equals(SAME_TEXT, b);
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
