package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;

/**
 * Booleans and numbers. numeric becomes a BigDecimal with the digits and scale PostgreSQL printed,
 * never a double. The special values that JSON numbers cannot hold (numeric and float 'NaN',
 * 'Infinity', '-Infinity') stay strings. real stays a float so that '1.1' is not widened to
 * 1.100000023841858.
 */
final class NumericText {

    private static final long MAX_OID = 0xFFFF_FFFFL;

    private NumericText() {
    }

    static JsonNode bool(String text) {
        return switch (text) {
            case "t" -> BooleanNode.TRUE;
            case "f" -> BooleanNode.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
        };
    }

    /** int2 and int4. */
    static JsonNode integer(String text) {
        return IntNode.valueOf(Integer.parseInt(text));
    }

    static JsonNode bigint(String text) {
        return LongNode.valueOf(Long.parseLong(text));
    }

    /** oid is unsigned 32-bit, so values above 2^31 - 1 need a long. */
    static JsonNode oid(String text) {
        long value = Long.parseLong(text);
        if (value < 0 || value > MAX_OID) {
            throw new IllegalArgumentException("oid out of range: " + text);
        }
        return LongNode.valueOf(value);
    }

    static JsonNode numeric(String text) {
        if (isSpecial(text)) {
            return TextNode.valueOf(text);
        }
        return DecimalNode.valueOf(new BigDecimal(text));
    }

    static JsonNode real(String text) {
        if (isSpecial(text)) {
            return TextNode.valueOf(text);
        }
        return FloatNode.valueOf(Float.parseFloat(requirePlainNumber(text)));
    }

    static JsonNode doublePrecision(String text) {
        if (isSpecial(text)) {
            return TextNode.valueOf(text);
        }
        return DoubleNode.valueOf(Double.parseDouble(requirePlainNumber(text)));
    }

    private static boolean isSpecial(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    // Java's float parsers also accept hex floats, "1d", "1f" and surrounding blanks; PostgreSQL never prints them.
    private static String requirePlainNumber(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                throw new IllegalArgumentException("not a floating-point number: '" + text + "'");
            }
        }
        return text;
    }
}
