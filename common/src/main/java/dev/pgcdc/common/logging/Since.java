package dev.pgcdc.common.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code --since} argument of the {@code logs} command: an ISO-8601 time
 * ({@code 2024-05-01T12:00:00Z}, with an offset, or without one meaning UTC like the log's own
 * timestamps; a bare date means its midnight UTC) or a duration back from now ({@code 90s},
 * {@code 10m}, {@code 2h}, {@code 1d}).
 */
final class Since {

    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");

    private Since() {
    }

    /** @throws IllegalArgumentException with a message fit for the user when the text is neither form */
    static Instant parse(String text, Clock clock) {
        String trimmed = text.trim();
        Matcher relative = RELATIVE.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration back = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return clock.instant().minus(back);
        }
        try {
            return OffsetDateTime.parse(trimmed).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(trimmed).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(trimmed).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("--since expects an ISO time such as 2024-05-01T12:00:00Z"
                            + " (UTC when no offset is given) or a time back from now such as 10m, 2h or 1d; got '"
                            + text + "'");
                }
            }
        }
    }
}
