package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * hstore text output ({@code "a"=>"1", "b"=>NULL}) to a JSON object of strings, with NULL values as
 * JSON null. Syntax per <a href="https://www.postgresql.org/docs/15/hstore.html">hstore</a>.
 */
final class HstoreLiteral {

    private static final String TOKEN_END = "=,> \t\n\r";

    private HstoreLiteral() {
    }

    static JsonNode object(String text) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        TextCursor in = new TextCursor(text);
        in.skipWhitespace();
        while (!in.atEnd()) {
            String key = readToken(in);
            if (key == null) {
                throw in.error("a key cannot be NULL");
            }
            in.skipWhitespace();
            in.expect('=');
            in.expect('>');
            in.skipWhitespace();
            String value = readToken(in);
            object.set(key, value == null ? NullNode.instance : TextNode.valueOf(value));
            in.skipWhitespace();
            if (in.atEnd()) {
                break;
            }
            in.expect(',');
            in.skipWhitespace();
        }
        return object;
    }

    /** Reads a quoted or bare token; returns null for a bare NULL. */
    private static String readToken(TextCursor in) {
        if (in.peek() == '"') {
            return in.readQuoted(false);
        }
        String token = in.readUntil(TOKEN_END);
        if (token.isEmpty()) {
            throw in.error("expected a key or value");
        }
        return token.equalsIgnoreCase("NULL") ? null : token;
    }
}
