package dev.pgcdc.e2e.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A canonical text form of a JSON value, so that a row converted from PostgreSQL and the document read
 * back from Elasticsearch compare equal exactly when they carry the same data: object fields sorted by
 * name, numbers compared by value ({@code 10.50} equals {@code 10.5}, an int equals a long; numbers are
 * never equal to strings), everything else as compact JSON. Stateless and thread-safe.
 */
public final class Canonical {

    private Canonical() {
    }

    /** The canonical text of {@code value}; a Java null is JSON null. */
    public static String text(JsonNode value) {
        StringBuilder out = new StringBuilder(128);
        append(value, out);
        return out.toString();
    }

    /** A 64-bit hash of a document id and its canonical text (the first 8 bytes of their SHA-256). */
    public static long hash(String id, String canonicalText) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(id.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        byte[] h = digest.digest(canonicalText.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        return v;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private static void append(JsonNode value, StringBuilder out) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("null");
        } else if (value.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(value.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(fields.get(i).getKey(), out);
                out.append(':');
                append(fields.get(i).getValue(), out);
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(value.get(i), out);
            }
            out.append(']');
        } else if (value.isNumber()) {
            out.append(number(value));
        } else if (value.isTextual()) {
            string(value.textValue(), out);
        } else if (value.isBoolean()) {
            out.append(value.booleanValue());
        } else if (value.isBinary()) {
            string(value.asText(), out);
        } else {
            out.append(value);
        }
    }

    private static String number(JsonNode value) {
        if (value.isFloatingPointNumber() && !value.isBigDecimal()) {
            double d = value.doubleValue();
            // NaN and infinities have no decimal form.
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
        }
        // A float4 (FloatNode) is written as Float.toString ("3.4E38"), which reads back as that decimal;
        // widening it to double first would give 3.3999999521443642E38 instead.
        BigDecimal decimal = (value.isFloat() ? new BigDecimal(Float.toString(value.floatValue())) : value.decimalValue())
                .stripTrailingZeros();
        return decimal.signum() == 0 ? "0" : decimal.toString();
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
