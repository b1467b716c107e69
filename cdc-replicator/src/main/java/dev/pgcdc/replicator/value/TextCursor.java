package dev.pgcdc.replicator.value;

/**
 * A position in a text value, for the hand-written parsers of PostgreSQL's composite text forms.
 * Every failure is an IllegalArgumentException that quotes the value and the offset.
 */
final class TextCursor {

    private final String text;
    private int position;

    TextCursor(String text) {
        this.text = text;
    }

    boolean atEnd() {
        return position >= text.length();
    }

    char peek() {
        if (atEnd()) {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    char next() {
        char c = peek();
        position++;
        return c;
    }

    boolean tryConsume(char expected) {
        if (!atEnd() && text.charAt(position) == expected) {
            position++;
            return true;
        }
        return false;
    }

    /** Consumes {@code word} ignoring ASCII case if it comes next. */
    boolean tryConsumeWord(String word) {
        if (text.regionMatches(true, position, word, 0, word.length())) {
            position += word.length();
            return true;
        }
        return false;
    }

    void expect(char expected) {
        if (!tryConsume(expected)) {
            throw error("expected '" + expected + "'");
        }
    }

    void expectEnd() {
        if (!atEnd()) {
            throw error("unexpected trailing text");
        }
    }

    void skipWhitespace() {
        while (!atEnd() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    /** Reads between {@code minDigits} and {@code maxDigits} ASCII digits as a non-negative long. */
    long readDigits(int minDigits, int maxDigits) {
        int start = position;
        long value = 0;
        while (!atEnd() && position - start < maxDigits) {
            char c = text.charAt(position);
            if (c < '0' || c > '9') {
                break;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw error("number too large");
            }
            value = value * 10 + (c - '0');
            position++;
        }
        if (position - start < minDigits) {
            throw error("expected at least " + minDigits + " digits");
        }
        return value;
    }

    /** Like {@link #readDigits} but reads at most nine digits, which always fit an int. */
    int readInt(int minDigits, int maxDigits) {
        return (int) readDigits(minDigits, Math.min(maxDigits, 9));
    }

    /** Reads up to (not including) the first of {@code stops} or the end; the text may be empty. */
    String readUntil(String stops) {
        int start = position;
        while (!atEnd() && stops.indexOf(text.charAt(position)) < 0) {
            position++;
        }
        return text.substring(start, position);
    }

    /**
     * Reads a double-quoted string at the cursor, undoing backslash escapes; with
     * {@code doubledQuotes} a {@code ""} inside the quotes also stands for one quote (range bounds).
     */
    String readQuoted(boolean doubledQuotes) {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '\\') {
                value.append(next());
            } else if (c == '"') {
                if (doubledQuotes && tryConsume('"')) {
                    value.append('"');
                } else {
                    return value.toString();
                }
            } else {
                value.append(c);
            }
        }
    }

    IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(problem + " at offset " + position + " of '" + text + "'");
    }
}
