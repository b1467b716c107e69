package dev.pgcdc.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.common.MutableClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogsCommandTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    Path dir;

    private Path database;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void fillTheLog() {
        database = dir.resolve("logs").resolve("cdc.db");
        List<LogRecord> lines = new ArrayList<>();
        // 60 routine lines, one a minute, ending two hours ago.
        for (int i = 0; i < 60; i++) {
            Instant at = NOW.minus(Duration.ofHours(3)).plus(Duration.ofMinutes(i));
            lines.add(new LogRecord(at.toEpochMilli(), i % 2 == 0 ? "INFO" : "DEBUG", "dev.pgcdc.replicator.Stream", "main",
                    "routine " + i, null, "cdc-replicator", null, null));
        }
        lines.add(record(NOW.minus(Duration.ofMinutes(30)), "WARN", "slow bulk request: 1200 ms", null, "es-sink", null, null));
        lines.add(record(NOW.minus(Duration.ofMinutes(5)), "ERROR", "could not send batch", "java.io.IOException: "
                + "Connection REFUSED by ÄRGER-host\n\tat dev.pgcdc.Sender.send(Sender.java:1)\n", "cdc-replicator",
                "public.users", "16/3002D50"));
        lines.add(record(NOW.minus(Duration.ofMinutes(1)), "INFO", "Grüße: ärger vorbei", null, "cdc-replicator", null, null));
        try (SqliteLogWriter writer = new SqliteLogWriter(new SqliteLogWriter.Settings(database, Duration.ofDays(3650), 1_000,
                100, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMillis(20)), "test", new MutableClock(NOW))) {
            lines.forEach(writer::offer);
            writer.start();
        }
    }

    @Test
    void printsTheLast50LinesOldestFirst() {
        int exit = run("--db", database.toString());

        assertThat(exit).isZero();
        List<String> lines = out.toString().lines().filter(line -> line.startsWith("2024-")).toList();
        assertThat(lines).hasSize(50);
        assertThat(lines.get(0)).contains("routine 13");
        assertThat(lines.get(49)).isEqualTo("2024-05-01T11:59:00.000Z INFO  [main] test (cdc-replicator) - Grüße: ärger vorbei");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void printsTheMdcColumnsAndTheStackTrace() {
        int exit = run("--db", database.toString(), "--limit", "2");

        assertThat(exit).isZero();
        assertThat(out.toString().lines().toList()).containsExactly(
                "2024-05-01T11:55:00.000Z ERROR [main] test (cdc-replicator table=public.users lsn=16/3002D50) - could not send batch",
                "java.io.IOException: Connection REFUSED by ÄRGER-host",
                "\tat dev.pgcdc.Sender.send(Sender.java:1)",
                "2024-05-01T11:59:00.000Z INFO  [main] test (cdc-replicator) - Grüße: ärger vorbei");
    }

    @Test
    void limitsToTheNewestLines() {
        run("--db", database.toString(), "--limit", "1");

        assertThat(out.toString().lines().toList()).singleElement().asString().endsWith("Grüße: ärger vorbei");
    }

    @Test
    void showsTheGivenLevelAndAbove() {
        run("--db", database.toString(), "--level", "warn");

        assertThat(messages()).containsExactly("slow bulk request: 1200 ms", "could not send batch");
    }

    @Test
    void includesDebugLinesFromLevelDebug() {
        run("--db", database.toString(), "--level", "DEBUG", "--limit", "1000");

        assertThat(messages()).hasSize(63).contains("routine 1");
    }

    @Test
    void showsLinesSinceARelativeTime() {
        run("--db", database.toString(), "--since", "10m");

        assertThat(messages()).containsExactly("could not send batch", "Grüße: ärger vorbei");
    }

    @Test
    void showsLinesSinceAnIsoTime() {
        run("--db", database.toString(), "--since", "2024-05-01T11:30:00Z");

        assertThat(messages()).containsExactly("slow bulk request: 1200 ms", "could not send batch", "Grüße: ärger vorbei");
    }

    @Test
    void readsAnIsoTimeWithoutOffsetAsUtc() {
        run("--db", database.toString(), "--since", "2024-05-01T11:56:00");

        assertThat(messages()).containsExactly("Grüße: ärger vorbei");
    }

    @Test
    void searchesMessageAndStackTraceIgnoringCaseBeyondAscii() {
        run("--db", database.toString(), "--grep", "ärger");

        assertThat(messages()).as("ÄRGER in the stack trace, ärger in the message")
                .containsExactly("could not send batch", "Grüße: ärger vorbei");
    }

    @Test
    void filtersByComponent() {
        run("--db", database.toString(), "--component", "es-sink");

        assertThat(messages()).containsExactly("slow bulk request: 1200 ms");
    }

    @Test
    void combinesFilters() {
        run("--db", database.toString(), "--component", "cdc-replicator", "--level", "info", "--since", "1h", "--grep", "SEND");

        assertThat(messages()).containsExactly("could not send batch");
    }

    @Test
    void printsJsonLines() throws IOException {
        run("--db", database.toString(), "--json", "--level", "error");

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("ts").asText()).isEqualTo("2024-05-01T11:55:00.000Z");
        assertThat(line.get("ts_ms").asLong()).isEqualTo(NOW.minus(Duration.ofMinutes(5)).toEpochMilli());
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("logger").asText()).isEqualTo("test");
        assertThat(line.get("thread").asText()).isEqualTo("main");
        assertThat(line.get("message").asText()).isEqualTo("could not send batch");
        assertThat(line.get("exception").asText()).startsWith("java.io.IOException: Connection REFUSED");
        assertThat(line.get("component").asText()).isEqualTo("cdc-replicator");
        assertThat(line.get("table_name").asText()).isEqualTo("public.users");
        assertThat(line.get("lsn").asText()).isEqualTo("16/3002D50");
    }

    @Test
    void printsNothingWhenNothingMatches() {
        int exit = run("--db", database.toString(), "--grep", "no such text");

        assertThat(exit).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void takesThePathFromTheLoggingSectionOfTheConfigAlone() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "logging:\n  sqlite_path: " + database + "\n");

        int exit = run("-c", config.toString(), "--level", "error");

        assertThat(exit).isZero();
        assertThat(messages()).containsExactly("could not send batch");
    }

    @Test
    void failsClearlyWhenTheDatabaseDoesNotExist() {
        Path missing = dir.resolve("nothing-here.db");

        int exit = run("--db", missing.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("no log database at " + missing.toAbsolutePath(), "--db PATH");
        assertThat(missing).as("not created by reading").doesNotExist();
    }

    @Test
    void failsClearlyWhenTheConfigDoesNotExist() {
        int exit = run("--config", dir.resolve("missing.yaml").toString());

        assertThat(exit).as("a configuration problem, as for the daemons").isEqualTo(2);
        assertThat(err.toString()).contains("does not exist", "--db PATH");
    }

    @Test
    void failsClearlyForAFileWithoutALogTable() throws IOException {
        Path other = Files.write(dir.resolve("other.db"), new byte[0]);

        int exit = run("--db", other.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("has no logs table");
    }

    @Test
    void rejectsAnUnknownLevelAsAUsageError() {
        int exit = run("--db", database.toString(), "--level", "loud");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--level expects trace, debug, info, warn or error, got 'loud'");
    }

    @Test
    void rejectsAnUnreadableSinceAsAUsageError() {
        int exit = run("--db", database.toString(), "--since", "yesterday");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--since expects an ISO time", "got 'yesterday'");
    }

    @Test
    void rejectsALimitBelowOne() {
        assertThat(run("--db", database.toString(), "--limit", "0")).isEqualTo(2);
    }

    @Test
    void readsWhileADaemonIsWritingTheSameFile() {
        SqliteLogWriter.Settings settings = new SqliteLogWriter.Settings(database, Duration.ofDays(3650), 1_000, 100,
                Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMillis(20));
        try (SqliteLogWriter daemon = new SqliteLogWriter(settings, "cdc-replicator", new MutableClock(NOW))) {
            daemon.start();
            daemon.offer(record(NOW, "INFO", "written by the running daemon", null, "cdc-replicator", null, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.messages(database).contains("written by the running daemon"));

            int exit = run("--db", database.toString(), "--limit", "1");

            assertThat(exit).isZero();
            assertThat(messages()).containsExactly("written by the running daemon");
        }
    }

    @Test
    void mountsAsTheLogsSubcommandOfADaemonsCommand() {
        CommandLine daemon = new CommandLine(new Daemon()).addSubcommand(new LogsCommand(new MutableClock(NOW)));
        daemon.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exit = daemon.execute("logs", "--db", database.toString(), "--limit", "1");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Grüße: ärger vorbei");
    }

    @CommandLine.Command(name = "cdc-replicator")
    static final class Daemon implements Runnable {
        @Override
        public void run() {
        }
    }

    private int run(String... args) {
        CommandLine command = new CommandLine(new LogsCommand(new MutableClock(NOW)));
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    private List<String> messages() {
        return out.toString().lines().filter(line -> line.startsWith("2024-"))
                .map(line -> line.substring(line.indexOf(" - ") + 3)).toList();
    }

    private static LogRecord record(Instant at, String level, String message, String exception, String component,
            String table, String lsn) {
        return new LogRecord(at.toEpochMilli(), level, "test", "main", message, exception, component, table, lsn);
    }
}
