package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * date, time, timetz, timestamp and timestamptz, read in the ISO DateStyle that PostgreSQL uses by
 * default and that pgjdbc sets, and written as ISO-8601 strings with the fraction PostgreSQL printed
 * (up to microseconds, trailing zeros dropped). timestamptz is shifted to UTC and ends in 'Z'; timetz
 * keeps its own offset, as ±HH:MM. Years BC use ISO's astronomical numbering (1 BC is 0000,
 * 44 BC is -0043), years past 9999 get a '+' sign. 'infinity' and '-infinity' stay as they are.
 * Text in another DateStyle fails to parse and so is passed on as text.
 */
final class DateTimeText {

    private static final String BC_SUFFIX = " BC";

    private DateTimeText() {
    }

    static JsonNode date(String text) {
        if (isInfinity(text)) {
            return TextNode.valueOf(text);
        }
        TextCursor in = new TextCursor(text);
        int[] ymd = readDate(in);
        boolean bc = readEra(in);
        LocalDate date = LocalDate.of(year(ymd[0], bc), ymd[1], ymd[2]);
        return TextNode.valueOf(appendDate(new StringBuilder(10), date).toString());
    }

    static JsonNode timestamp(String text) {
        if (isInfinity(text)) {
            return TextNode.valueOf(text);
        }
        TextCursor in = new TextCursor(text);
        int[] ymd = readDate(in);
        in.expect(' ');
        int[] time = readTime(in, false);
        boolean bc = readEra(in);
        LocalDateTime value = LocalDateTime.of(year(ymd[0], bc), ymd[1], ymd[2], time[0], time[1], time[2], time[3]);
        return TextNode.valueOf(appendDateTime(new StringBuilder(26), value).toString());
    }

    static JsonNode timestampWithTimeZone(String text) {
        String utc = utcAsIso(text);
        return utc != null ? TextNode.valueOf(utc) : parsedTimestampWithTimeZone(text);
    }

    /** Any timestamptz text: parsed, converted to UTC and printed. */
    static JsonNode parsedTimestampWithTimeZone(String text) {
        if (isInfinity(text)) {
            return TextNode.valueOf(text);
        }
        TextCursor in = new TextCursor(text);
        int[] ymd = readDate(in);
        in.expect(' ');
        int[] time = readTime(in, false);
        ZoneOffset offset = readOffset(in);
        boolean bc = readEra(in);
        LocalDateTime local = LocalDateTime.of(year(ymd[0], bc), ymd[1], ymd[2], time[0], time[1], time[2], time[3]);
        LocalDateTime utc = LocalDateTime.ofEpochSecond(local.toEpochSecond(offset), time[3], ZoneOffset.UTC);
        return TextNode.valueOf(appendDateTime(new StringBuilder(27), utc).append('Z').toString());
    }

    /**
     * The common case without parsing: a session in UTC prints {@code 2024-02-29 13:14:15.5+00}, which
     * needs only its blank and offset replaced ({@code 2024-02-29T13:14:15.5Z}), as the full path would
     * print it. Null for any other shape (another offset, BC, a year past 9999, trailing fraction zeros).
     */
    static String utcAsIso(String text) {
        int length = text.length();
        if (length < 22 || length > 29 || !text.endsWith("+00") || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != ' ' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || !digits(text, 0, 4) || !digits(text, 5, 7) || !digits(text, 8, 10) || !digits(text, 11, 13)
                || !digits(text, 14, 16) || !digits(text, 17, 19)) {
            return null;
        }
        int end = length - 3;
        boolean fraction = end > 19;
        if (fraction && (text.charAt(19) != '.' || end == 20 || !digits(text, 20, end) || text.charAt(end - 1) == '0')) {
            return null;
        }
        char[] iso = new char[end + 1];
        text.getChars(0, end, iso, 0);
        iso[10] = 'T';
        iso[end] = 'Z';
        return new String(iso);
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** time is already ISO-8601 (24:00:00 included, which java.time cannot hold), so it is checked and kept. */
    static JsonNode time(String text) {
        TextCursor in = new TextCursor(text);
        readTime(in, true);
        in.expectEnd();
        return TextNode.valueOf(text);
    }

    static JsonNode timeWithTimeZone(String text) {
        TextCursor in = new TextCursor(text);
        String time = in.readUntil("+-");
        TextCursor timeCursor = new TextCursor(time);
        readTime(timeCursor, true);
        timeCursor.expectEnd();
        ZoneOffset offset = readOffset(in);
        in.expectEnd();
        return TextNode.valueOf(time + (offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId()));
    }

    // The three formatters below print what DateTimeFormatter.ISO_LOCAL_DATE, ISO_LOCAL_TIME and
    // ISO_LOCAL_DATE_TIME print, without their per-call parse context and intermediate strings: this runs
    // for every timestamp of every row.

    /** ISO_LOCAL_DATE: the year in four digits or more ('+' past 9999, '-' before year 0), month, day. */
    static StringBuilder appendDate(StringBuilder out, LocalDate date) {
        int year = date.getYear();
        if (year < 0) {
            out.append('-');
        } else if (year > 9999) {
            out.append('+');
        }
        pad(out, Math.abs(year), 4);
        out.append('-');
        pad(out, date.getMonthValue(), 2);
        out.append('-');
        pad(out, date.getDayOfMonth(), 2);
        return out;
    }

    /** ISO_LOCAL_DATE_TIME: date 'T' HH:mm:ss, then the fraction without trailing zeros if there is one. */
    static StringBuilder appendDateTime(StringBuilder out, LocalDateTime value) {
        appendDate(out, value.toLocalDate()).append('T');
        pad(out, value.getHour(), 2);
        out.append(':');
        pad(out, value.getMinute(), 2);
        out.append(':');
        pad(out, value.getSecond(), 2);
        int nanos = value.getNano();
        if (nanos > 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            out.append('.');
            pad(out, nanos, digits);
        }
        return out;
    }

    /** Appends a non-negative value with leading zeros up to {@code width} digits. */
    private static void pad(StringBuilder out, int value, int width) {
        for (int limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
            if (value < limit) {
                out.append('0');
            }
        }
        out.append(value);
    }

    private static boolean isInfinity(String text) {
        return text.equals("infinity") || text.equals("-infinity");
    }

    /** Returns {year of era, month, day}; the year has four or more digits. */
    private static int[] readDate(TextCursor in) {
        int year = in.readInt(4, 9);
        in.expect('-');
        int month = in.readInt(2, 2);
        in.expect('-');
        int day = in.readInt(2, 2);
        return new int[] {year, month, day};
    }

    /** Returns {hour, minute, second, nanosecond}; hour 24 is allowed only for the time type's 24:00:00. */
    private static int[] readTime(TextCursor in, boolean allowEndOfDay) {
        int hour = in.readInt(2, 2);
        in.expect(':');
        int minute = in.readInt(2, 2);
        in.expect(':');
        int second = in.readInt(2, 2);
        int nanos = in.tryConsume('.') ? readNanos(in) : 0;
        boolean endOfDay = allowEndOfDay && hour == 24 && minute == 0 && second == 0 && nanos == 0;
        if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) {
            throw in.error("time of day out of range");
        }
        return new int[] {hour, minute, second, nanos};
    }

    /** Reads the one to nine digits after the decimal point as nanoseconds. */
    private static int readNanos(TextCursor in) {
        int nanos = 0;
        int scale = 100_000_000;
        int count = 0;
        while (!in.atEnd() && in.peek() >= '0' && in.peek() <= '9') {
            if (count == 9) {
                throw in.error("more than nine fractional digits");
            }
            nanos += (in.next() - '0') * scale;
            scale /= 10;
            count++;
        }
        if (count == 0) {
            throw in.error("expected fractional digits");
        }
        return nanos;
    }

    /** Reads ±HH, ±HH:MM or ±HH:MM:SS; PostgreSQL prints only as much as is non-zero. */
    private static ZoneOffset readOffset(TextCursor in) {
        char sign = in.next();
        if (sign != '+' && sign != '-') {
            throw in.error("expected a UTC offset");
        }
        int hours = in.readInt(2, 2);
        int minutes = in.tryConsume(':') ? in.readInt(2, 2) : 0;
        int seconds = in.tryConsume(':') ? in.readInt(2, 2) : 0;
        return sign == '+'
                ? ZoneOffset.ofHoursMinutesSeconds(hours, minutes, seconds)
                : ZoneOffset.ofHoursMinutesSeconds(-hours, -minutes, -seconds);
    }

    private static boolean readEra(TextCursor in) {
        boolean bc = in.tryConsumeWord(BC_SUFFIX);
        in.expectEnd();
        return bc;
    }

    /** Year of era to ISO proleptic year: 1 BC is year 0. */
    private static int year(int yearOfEra, boolean bc) {
        if (yearOfEra == 0) {
            throw new IllegalArgumentException("year 0 does not exist in PostgreSQL's AD/BC numbering");
        }
        return bc ? 1 - yearOfEra : yearOfEra;
    }
}
