package dev.pgcdc.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pgcdc.common.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SqliteLogWriterTest {

    private static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);

    @Test
    void prunesRowsOlderThanTheRetentionAtOnceAndThenPeriodically() throws Exception {
        Path file = dir.resolve("cdc.db");
        try (SqliteLogWriter writer = writer(file, 1_000)) {
            writer.offer(line(START.minus(Duration.ofDays(8)), "eight days old"));
            writer.offer(line(START.minus(Duration.ofDays(1)), "one day old"));
            writer.offer(line(START, "new"));
            writer.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.messages(file).equals(List.of("one day old", "new")));

            clock.advance(Duration.ofDays(6).plusHours(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.messages(file).equals(List.of("new")));
        }
    }

    @Test
    void dropsTheOldestLinesWhenTheQueueIsFullAndRecordsHowMany() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "");
        Path file = blocker.resolve("cdc.db");
        try (SqliteLogWriter writer = writer(file, 10)) {
            writer.start();
            IntStream.range(0, 25).forEach(i -> writer.offer(line(START, "line " + i)));

            assertThat(writer.droppedLines()).isEqualTo(15);

            Files.delete(blocker);
            // The writer schedules its retry from the clock as it reads it after the failed open, which on
            // a busy machine can be after a single advance here; advancing past the interval on every
            // poll makes the retry due whenever the failure was recorded.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                clock.advance(Duration.ofSeconds(31));
                return LogDatabase.rows(file).size() == 11;
            });
        }
        List<LogRecord> rows = LogDatabase.rows(file);
        LogRecord report = rows.get(0);
        assertThat(report.level()).isEqualTo("WARN");
        assertThat(report.message()).startsWith("15 log lines were dropped before this one");
        assertThat(report.component()).isEqualTo("es-sink");
        assertThat(rows.subList(1, 11)).extracting(LogRecord::message)
                .containsExactlyElementsOf(IntStream.range(15, 25).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void neverBlocksTheCallerWhileTheDatabaseIsUnavailable() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "");
        try (SqliteLogWriter writer = writer(blocker.resolve("cdc.db"), 100)) {
            writer.start();
            long started = System.nanoTime();

            IntStream.range(0, 100_000).forEach(i -> writer.offer(line(START, "line " + i)));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(writer.droppedLines()).isEqualTo(100_000 - 100);
        }
    }

    @Test
    void writesEveryQueuedLineBeforeClosing() throws Exception {
        Path file = dir.resolve("cdc.db");
        SqliteLogWriter writer = writer(file, 5_000);
        writer.start();
        IntStream.range(0, 3_000).forEach(i -> writer.offer(line(START, "line " + i)));

        writer.close();

        assertThat(LogDatabase.rows(file)).hasSize(3_000);
        writer.offer(line(START, "after close"));
        assertThat(LogDatabase.messages(file)).doesNotContain("after close");
    }

    @Test
    void createsMissingParentDirectories() throws Exception {
        Path file = dir.resolve("a").resolve("b").resolve("cdc.db");
        try (SqliteLogWriter writer = writer(file, 10)) {
            writer.offer(line(START, "deep"));
            writer.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.messages(file).equals(List.of("deep")));
        }
    }

    private SqliteLogWriter writer(Path file, int capacity) {
        SqliteLogWriter.Settings settings = new SqliteLogWriter.Settings(file, Duration.ofDays(7), capacity, 100,
                Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMillis(20));
        return new SqliteLogWriter(settings, "es-sink", clock);
    }

    private static LogRecord line(Instant at, String message) {
        return new LogRecord(at.toEpochMilli(), "INFO", "test", "main", message, null, "es-sink", null, null);
    }
}
