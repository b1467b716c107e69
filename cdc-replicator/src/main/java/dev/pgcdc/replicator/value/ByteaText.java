package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;

/**
 * bytea to a base64 string (RFC 4648, with padding). Reads the hex output form ({@code \x0a1b}, the
 * default) and the escape form that {@code bytea_output = 'escape'} produces.
 */
final class ByteaText {

    private static final HexFormat HEX = HexFormat.of();

    private ByteaText() {
    }

    static JsonNode base64(String text) {
        byte[] bytes = text.startsWith("\\x") ? HEX.parseHex(text, 2, text.length()) : unescape(text);
        return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
    }

    // https://www.postgresql.org/docs/15/datatype-binary.html#id-1.5.7.12.10
    private static byte[] unescape(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                    bytes.write('\\');
                    i += 2;
                } else if (isOctal(text, i + 1)) {
                    bytes.write(Integer.parseInt(text, i + 1, i + 4, 8));
                    i += 4;
                } else {
                    throw new IllegalArgumentException("invalid bytea escape at offset " + i);
                }
            } else if (c < 0x80) {
                bytes.write(c);
                i++;
            } else {
                throw new IllegalArgumentException("non-ASCII character in escaped bytea at offset " + i);
            }
        }
        return bytes.toByteArray();
    }

    private static boolean isOctal(String text, int from) {
        if (from + 3 > text.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return text.charAt(from) <= '3';
    }
}
