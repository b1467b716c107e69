package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;

/**
 * Booleans and numbers. numeric keeps the digits and scale PostgreSQL printed (a raw JSON number),
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

    /**
     * numeric_out prints every digit, without exponent, in JSON's number syntax: the text is carried as
     * it is, a raw JSON number (see {@link JsonText}), which writes the same bytes a BigDecimal would
     * without parsing and printing one.
     */
    static JsonNode numeric(String text) {
        if (isSpecial(text)) {
            return TextNode.valueOf(text);
        }
        if (!isPlainJsonNumber(text)) {
            throw new IllegalArgumentException("not a numeric: '" + text + "'");
        }
        return new POJONode(new RawValue(text));
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?}: the numbers numeric_out prints. */
    static boolean isPlainJsonNumber(String text) {
        int length = text.length();
        int i = length > 0 && text.charAt(0) == '-' ? 1 : 0;
        int integerStart = i;
        while (i < length && isDigit(text.charAt(i))) {
            i++;
        }
        int integerDigits = i - integerStart;
        if (integerDigits == 0 || integerDigits > 1 && text.charAt(integerStart) == '0') {
            return false;
        }
        if (i == length) {
            return true;
        }
        if (text.charAt(i) != '.' || i == length - 1) {
            return false;
        }
        for (i++; i < length; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
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
