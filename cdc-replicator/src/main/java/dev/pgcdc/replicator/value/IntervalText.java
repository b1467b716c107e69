package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * interval, from the default {@code postgres} IntervalStyle ({@code 1 year 2 mons 3 days 04:05:06.5})
 * to an ISO-8601 duration written exactly as PostgreSQL's own {@code iso_8601} IntervalStyle writes it
 * ({@code P1Y2M3DT4H5M6.5S}). PostgreSQL keeps months, days and time apart and each may have its own
 * sign, so a part can be negative ({@code -1 days +02:03:00} becomes {@code P-1DT2H3M}); a zero interval
 * is {@code PT0S}. Text already in iso_8601 style is kept; other styles fall back to text.
 */
final class IntervalText {

    private IntervalText() {
    }

    static JsonNode iso8601(String text) {
        if (text.startsWith("P")) {
            return TextNode.valueOf(text);
        }
        long years = 0;
        long months = 0;
        long days = 0;
        Time time = null;
        TextCursor in = new TextCursor(text);
        while (true) {
            in.skipWhitespace();
            if (in.atEnd()) {
                break;
            }
            boolean negative = readSign(in);
            long number = in.readDigits(1, 18);
            if (in.tryConsume(':')) {
                if (time != null) {
                    throw in.error("second time part");
                }
                time = readTime(in, negative, number);
                continue;
            }
            in.expect(' ');
            long value = negative ? -number : number;
            if (in.tryConsumeWord("years") || in.tryConsumeWord("year")) {
                years = value;
            } else if (in.tryConsumeWord("mons") || in.tryConsumeWord("mon")) {
                months = value;
            } else if (in.tryConsumeWord("days") || in.tryConsumeWord("day")) {
                days = value;
            } else {
                throw in.error("expected year, mon or day");
            }
        }
        return TextNode.valueOf(format(years, months, days, time));
    }

    /** The hh:mm:ss[.ffffff] part; one sign applies to all three fields. */
    private record Time(boolean negative, long hours, long minutes, long seconds, String fraction) {
        boolean isZero() {
            return hours == 0 && minutes == 0 && seconds == 0 && fraction.isEmpty();
        }
    }

    private static Time readTime(TextCursor in, boolean negative, long hours) {
        long minutes = in.readDigits(2, 2);
        in.expect(':');
        long seconds = in.readDigits(2, 2);
        String fraction = "";
        if (in.tryConsume('.')) {
            fraction = in.readUntil(" ");
            if (fraction.isEmpty() || !fraction.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw in.error("expected fractional seconds");
            }
            fraction = stripTrailingZeros(fraction);
        }
        return new Time(negative, hours, minutes, seconds, fraction);
    }

    private static boolean readSign(TextCursor in) {
        if (in.tryConsume('-')) {
            return true;
        }
        in.tryConsume('+');
        return false;
    }

    // Mirrors EncodeInterval's INTSTYLE_ISO_8601 branch in src/backend/utils/adt/datetime.c.
    private static String format(long years, long months, long days, Time time) {
        boolean timeIsZero = time == null || time.isZero();
        if (years == 0 && months == 0 && days == 0 && timeIsZero) {
            return "PT0S";
        }
        StringBuilder out = new StringBuilder("P");
        appendPart(out, years, 'Y');
        appendPart(out, months, 'M');
        appendPart(out, days, 'D');
        if (!timeIsZero) {
            out.append('T');
            String sign = time.negative() ? "-" : "";
            if (time.hours() != 0) {
                out.append(sign).append(time.hours()).append('H');
            }
            if (time.minutes() != 0) {
                out.append(sign).append(time.minutes()).append('M');
            }
            if (time.seconds() != 0 || !time.fraction().isEmpty()) {
                out.append(sign).append(time.seconds());
                if (!time.fraction().isEmpty()) {
                    out.append('.').append(time.fraction());
                }
                out.append('S');
            }
        }
        return out.toString();
    }

    private static void appendPart(StringBuilder out, long value, char designator) {
        if (value != 0) {
            out.append(value).append(designator);
        }
    }

    private static String stripTrailingZeros(String digits) {
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}
