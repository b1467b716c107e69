package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * An array's text output ({@code {1,2,NULL}}, {@code {{1,2},{3,4}}}, {@code {"a b","q\"uote"}}) to
 * nested JSON arrays whose elements go through the element type's conversion; unquoted NULL becomes a
 * JSON null while the quoted string "NULL" stays a string. A dimension decoration for lower bounds
 * other than 1 ({@code [0:2]={7,8,9}}) is dropped: JSON arrays start at 0 regardless. Syntax per
 * <a href="https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO">Array Input and Output Syntax</a>.
 */
final class ArrayLiteral implements TextConversion {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TextConversion element;
    private final char delimiter;

    ArrayLiteral(TextConversion element, char delimiter) {
        this.element = element;
        this.delimiter = delimiter;
    }

    @Override
    public JsonNode convert(String text) {
        TextCursor in = new TextCursor(text);
        if (in.tryConsume('[')) {
            in.readUntil("=");
            in.expect('=');
        }
        ArrayNode array = readArray(in);
        in.skipWhitespace();
        in.expectEnd();
        return array;
    }

    private ArrayNode readArray(TextCursor in) {
        in.expect('{');
        ArrayNode array = JSON.arrayNode();
        in.skipWhitespace();
        if (in.tryConsume('}')) {
            return array;
        }
        while (true) {
            in.skipWhitespace();
            array.add(in.peek() == '{' ? readArray(in) : readElement(in));
            in.skipWhitespace();
            char next = in.next();
            if (next == '}') {
                return array;
            }
            if (next != delimiter) {
                throw in.error("expected '" + delimiter + "' or '}'");
            }
        }
    }

    private JsonNode readElement(TextCursor in) {
        if (in.peek() == '"') {
            return element.convert(in.readQuoted(false));
        }
        StringBuilder value = new StringBuilder();
        boolean escaped = false;
        while (in.peek() != delimiter && in.peek() != '}') {
            char c = in.next();
            if (c == '\\') {
                value.append(in.next());
                escaped = true;
            } else {
                value.append(c);
            }
        }
        int end = value.length();
        while (end > 0 && Character.isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        value.setLength(end);
        if (value.length() == 0) {
            throw in.error("empty unquoted array element");
        }
        if (!escaped && value.toString().equalsIgnoreCase("NULL")) {
            return NullNode.instance;
        }
        return element.convert(value.toString());
    }
}
