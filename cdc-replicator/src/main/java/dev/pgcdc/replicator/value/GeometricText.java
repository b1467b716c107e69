package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The geometric types, from their text output to JSON whose coordinates are float8 values (numbers, or
 * the strings 'NaN', 'Infinity', '-Infinity'):
 * point {@code (x,y)} to {@code {"x":x,"y":y}}; line {@code {A,B,C}} to {@code {"a":A,"b":B,"c":C}};
 * lseg and box to an array of their two points; path to {@code {"closed":bool,"points":[...]}};
 * polygon to an array of points; circle {@code <(x,y),r>} to {@code {"center":point,"radius":r}}.
 */
final class GeometricText {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String NUMBER_END = ",)]}>";

    private GeometricText() {
    }

    static JsonNode point(String text) {
        TextCursor in = new TextCursor(text);
        ObjectNode point = readPoint(in);
        in.expectEnd();
        return point;
    }

    static JsonNode line(String text) {
        TextCursor in = new TextCursor(text);
        in.expect('{');
        ObjectNode line = JSON.objectNode();
        line.set("a", readNumber(in));
        in.expect(',');
        line.set("b", readNumber(in));
        in.expect(',');
        line.set("c", readNumber(in));
        in.expect('}');
        in.expectEnd();
        return line;
    }

    static JsonNode lineSegment(String text) {
        TextCursor in = new TextCursor(text);
        in.expect('[');
        ArrayNode points = readPoints(in, ']');
        in.expectEnd();
        return requireCount(points, 2, in);
    }

    static JsonNode box(String text) {
        TextCursor in = new TextCursor(text);
        ArrayNode corners = JSON.arrayNode(2);
        corners.add(readPoint(in));
        in.expect(',');
        corners.add(readPoint(in));
        in.expectEnd();
        return corners;
    }

    static JsonNode path(String text) {
        TextCursor in = new TextCursor(text);
        boolean open = in.tryConsume('[');
        if (!open) {
            in.expect('(');
        }
        ArrayNode points = readPoints(in, open ? ']' : ')');
        in.expectEnd();
        ObjectNode path = JSON.objectNode();
        path.put("closed", !open);
        path.set("points", points);
        return path;
    }

    static JsonNode polygon(String text) {
        TextCursor in = new TextCursor(text);
        in.expect('(');
        ArrayNode points = readPoints(in, ')');
        in.expectEnd();
        return points;
    }

    static JsonNode circle(String text) {
        TextCursor in = new TextCursor(text);
        in.expect('<');
        ObjectNode circle = JSON.objectNode();
        circle.set("center", readPoint(in));
        in.expect(',');
        circle.set("radius", readNumber(in));
        in.expect('>');
        in.expectEnd();
        return circle;
    }

    /** Reads points separated by commas up to and including {@code close}. */
    private static ArrayNode readPoints(TextCursor in, char close) {
        ArrayNode points = JSON.arrayNode();
        do {
            points.add(readPoint(in));
        } while (in.tryConsume(','));
        in.expect(close);
        return points;
    }

    private static ObjectNode readPoint(TextCursor in) {
        in.expect('(');
        ObjectNode point = JSON.objectNode();
        point.set("x", readNumber(in));
        in.expect(',');
        point.set("y", readNumber(in));
        in.expect(')');
        return point;
    }

    private static JsonNode readNumber(TextCursor in) {
        String number = in.readUntil(NUMBER_END);
        if (number.isEmpty()) {
            throw in.error("expected a coordinate");
        }
        return NumericText.doublePrecision(number);
    }

    private static ArrayNode requireCount(ArrayNode points, int count, TextCursor in) {
        if (points.size() != count) {
            throw in.error("expected " + count + " points");
        }
        return points;
    }
}
