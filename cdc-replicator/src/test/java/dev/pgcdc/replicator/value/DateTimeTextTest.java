package dev.pgcdc.replicator.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written ISO printers against java.time's formatters they stand in for. */
class DateTimeTextTest {

    @Test
    void printsDatesAsIsoLocalDateDoes() {
        for (int year : new int[] {-100_000, -10_000, -9999, -1000, -43, -1, 0, 1, 9, 99, 999, 1000, 2024, 9999, 10_000,
                294_276}) {
            LocalDate date = LocalDate.of(year, 2, 9);
            assertThat(DateTimeText.appendDate(new StringBuilder(), date).toString()).as("year %d", year)
                    .isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE.format(date));
        }
    }

    @Test
    void printsDateTimesAsIsoLocalDateTimeDoesForEveryFractionLength() {
        SplittableRandom random = new SplittableRandom(8);
        int[] nanos = {0, 1, 10, 100, 1_000, 5_000, 120_000, 464_534_000, 999_999_999, 100_000_000, 500};
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime value = LocalDateTime.of(random.nextInt(-4713, 294_277), random.nextInt(1, 13),
                    random.nextInt(1, 29), random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    i < nanos.length ? nanos[i] : random.nextInt(1_000_000_000) / 1000 * 1000);
            assertThat(DateTimeText.appendDateTime(new StringBuilder(), value).toString())
                    .isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(value));
        }
    }

    @Test
    void printsUtcTimestampsWithoutParsingAsTheParserDoes() {
        SplittableRandom random = new SplittableRandom(15);
        DateTimeFormatter postgres = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
        int[] micros = {0, 1, 10, 500_000, 120_000, 999_999, 100_000};
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime value = LocalDateTime.of(random.nextInt(1, 10_000), random.nextInt(1, 13), random.nextInt(1, 29),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60));
            int micro = i < micros.length ? micros[i] : random.nextInt(1_000_000);
            // As PostgreSQL prints it in a UTC session: the fraction without trailing zeros, offset +00.
            String fraction = micro == 0 ? "" : ("." + String.format("%06d", micro)).replaceAll("0+$", "");
            String text = postgres.format(value) + fraction + "+00";

            assertThat(DateTimeText.utcAsIso(text)).as(text)
                    .isEqualTo(DateTimeText.parsedTimestampWithTimeZone(text).textValue());
        }
    }

    @Test
    void leavesEveryOtherTimestampShapeToTheParser() {
        for (String text : new String[] {"2024-02-29 13:14:15+01", "2024-02-29 13:14:15.5-03:30", "0044-03-15 12:00:00+00 BC",
            "10000-01-01 00:00:00+00", "2024-02-29 13:14:15.50+00", "2024-02-29 13:14:15.+00", "2024-02-29T13:14:15+00",
            "infinity", "-infinity", "2024-02-29 13:14+00"}) {
            assertThat(DateTimeText.utcAsIso(text)).as(text).isNull();
        }
        assertThat(DateTimeText.timestampWithTimeZone("2024-02-29 13:14:15.5-03:30").textValue())
                .isEqualTo("2024-02-29T16:44:15.5Z");
    }
}
