package dev.pgcdc.common;

import java.util.regex.Pattern;

/**
 * A PostgreSQL write-ahead-log position (LSN). The value is an unsigned 64-bit byte offset, so
 * comparisons are unsigned; the text form is the server's {@code 16/3002D50} (two hex halves).
 */
public record Lsn(long value) implements Comparable<Lsn> {

    public static final Lsn ZERO = new Lsn(0);

    private static final Pattern TEXT_FORM = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /** Parses the server's text form, e.g. {@code 16/3002D50}; throws IllegalArgumentException otherwise. */
    public static Lsn parse(String text) {
        // Long.parseLong alone would accept a sign ("-1/0"), which is no LSN.
        if (text == null || !TEXT_FORM.matcher(text).matches()) {
            throw new IllegalArgumentException("not an LSN (expected e.g. 16/3002D50): " + text);
        }
        int slash = text.indexOf('/');
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new Lsn(high << 32 | low);
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    public boolean isAtOrBefore(Lsn other) {
        return compareTo(other) <= 0;
    }

    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
