package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Range and multirange text output to the shape of Elasticsearch range fields: {@code [1,10)} becomes
 * {@code {"gte":1,"lt":10}}, an infinite (omitted) bound leaves its key out, so {@code (,)} is
 * {@code {}}, and {@code empty} becomes {@code {"empty":true}}. Bounds go through the subtype's
 * conversion, so a tstzrange has UTC strings and a numrange exact decimals. A multirange
 * ({@code {[1,3),[5,8)}}) becomes a JSON array of such objects. Syntax per
 * <a href="https://www.postgresql.org/docs/15/rangetypes.html#RANGETYPES-IO">Range Input/Output</a>.
 */
final class RangeLiteral implements TextConversion {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TextConversion subtype;
    private final boolean multirange;

    private RangeLiteral(TextConversion subtype, boolean multirange) {
        this.subtype = subtype;
        this.multirange = multirange;
    }

    static RangeLiteral range(TextConversion subtype) {
        return new RangeLiteral(subtype, false);
    }

    static RangeLiteral multirange(TextConversion subtype) {
        return new RangeLiteral(subtype, true);
    }

    @Override
    public JsonNode convert(String text) {
        TextCursor in = new TextCursor(text);
        JsonNode result = multirange ? readMultirange(in) : readRange(in);
        in.skipWhitespace();
        in.expectEnd();
        return result;
    }

    private ArrayNode readMultirange(TextCursor in) {
        in.expect('{');
        ArrayNode ranges = JSON.arrayNode();
        in.skipWhitespace();
        if (in.tryConsume('}')) {
            return ranges;
        }
        do {
            in.skipWhitespace();
            ranges.add(readRange(in));
            in.skipWhitespace();
        } while (in.tryConsume(','));
        in.expect('}');
        return ranges;
    }

    private ObjectNode readRange(TextCursor in) {
        ObjectNode range = JSON.objectNode();
        if (in.tryConsumeWord("empty")) {
            range.put("empty", true);
            return range;
        }
        char open = in.next();
        if (open != '[' && open != '(') {
            throw in.error("expected '[' or '('");
        }
        String lower = readBound(in, ",");
        in.expect(',');
        String upper = readBound(in, ")]");
        char close = in.next();
        if (lower != null) {
            range.set(open == '[' ? "gte" : "gt", subtype.convert(lower));
        }
        if (upper != null) {
            range.set(close == ']' ? "lte" : "lt", subtype.convert(upper));
        }
        return range;
    }

    /** Returns the bound's text, or null when nothing stands before the stop character (an infinite bound). */
    private static String readBound(TextCursor in, String stops) {
        if (stops.indexOf(in.peek()) >= 0) {
            return null;
        }
        // range_parse_bound accepts quoted and unquoted pieces in one bound, with backslash escapes.
        StringBuilder bound = new StringBuilder();
        while (stops.indexOf(in.peek()) < 0) {
            char c = in.peek();
            if (c == '"') {
                bound.append(in.readQuoted(true));
            } else if (c == '\\') {
                in.next();
                bound.append(in.next());
            } else {
                bound.append(in.next());
            }
        }
        return bound.toString();
    }
}
