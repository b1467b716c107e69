package dev.pgcdc.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.pgcdc.common.MutableClock;
import dev.pgcdc.common.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoggingTest {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingTest.class);
    private static final String WARNING = "Cannot write the SQLite log";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final MutableClock clock = new MutableClock(Instant.now());
    private PrintStream originalErr;
    private Logging logging;

    @BeforeEach
    void captureConsole() {
        originalErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        if (logging != null) {
            logging.close();
        }
        System.setErr(originalErr);
        MDC.clear();
    }

    @Test
    void writesALineWithItsMdcAndStackTraceToSqliteInWalMode() throws Exception {
        Path file = dir.resolve("nested").resolve("logs").resolve("cdc.db");
        logging = configure(file);

        MDC.put(Logging.MDC_COMPONENT, "kafka-producer");
        MDC.put(Logging.MDC_TABLE, "public.users");
        MDC.put(Logging.MDC_LSN, "16/3002D50");
        LOG.error("could not send {} events", 42, new IllegalStateException("boom", new IOException("disk full")));
        MDC.clear();
        LOG.info("plain line ünïcödé 🧾");

        await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.rows(file).size() == 2);
        List<LogRecord> rows = LogDatabase.rows(file);
        LogRecord error = rows.get(0);
        assertThat(error.level()).isEqualTo("ERROR");
        assertThat(error.logger()).isEqualTo(LoggingTest.class.getName());
        assertThat(error.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(error.message()).isEqualTo("could not send 42 events");
        assertThat(error.exception()).contains("java.lang.IllegalStateException: boom", "Caused by: java.io.IOException: disk full",
                "at dev.pgcdc.common.logging.LoggingTest");
        assertThat(error.component()).isEqualTo("kafka-producer");
        assertThat(error.table()).isEqualTo("public.users");
        assertThat(error.lsn()).isEqualTo("16/3002D50");
        assertThat(error.epochMillis()).isCloseTo(System.currentTimeMillis(), within(10_000L));
        LogRecord plain = rows.get(1);
        assertThat(plain.message()).isEqualTo("plain line ünïcödé 🧾");
        assertThat(plain.component()).as("the daemon's name when the thread set none").isEqualTo("cdc-replicator");
        assertThat(plain.table()).isNull();
        assertThat(plain.lsn()).isNull();
        assertThat(plain.exception()).isNull();
        assertThat(LogDatabase.pragma(file, "journal_mode")).isEqualTo("wal");
        assertThat(consoleText()).contains("could not send 42 events", "component=kafka-producer", "table=public.users",
                "lsn=16/3002D50", "java.lang.IllegalStateException: boom", "plain line");
    }

    @Test
    void storesTheTimestampAsIsoUtcTextAndEpochMillis() throws Exception {
        Path file = dir.resolve("cdc.db");
        logging = configure(file);

        LOG.warn("stamped");

        await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.rows(file).size() == 1);
        long millis = LogDatabase.rows(file).get(0).epochMillis();
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
             ResultSet result = connection.createStatement().executeQuery("SELECT ts FROM logs")) {
            result.next();
            String ts = result.getString(1);
            assertThat(ts).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(Instant.parse(ts).toEpochMilli()).isEqualTo(millis);
        }
    }

    @Test
    void keepsLoggingToTheConsoleAndWarnsOnceWhenTheFileCannotBeCreated() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "");
        logging = configure(blocker.resolve("logs").resolve("cdc.db"));

        for (int i = 0; i < 50; i++) {
            LOG.info("line {}", i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings() == 1);
        for (int retry = 0; retry < 3; retry++) {
            clock.advance(Duration.ofSeconds(31));
            // Several poll intervals of the writer, so that each retry is attempted (and fails).
            Thread.sleep(200);
            LOG.info("after retry {}", retry);
        }

        assertThat(warnings()).as("one warning however often the retry fails").isEqualTo(1);
        assertThat(consoleText()).contains("line 0", "line 49", "after retry 2", blocker.toAbsolutePath().toString(), "retrying every 30 s");
        assertThat(Files.exists(blocker.resolve("logs"))).isFalse();
    }

    @Test
    void warnsOnceWhenThePathIsADirectory() {
        Path directory = dir.resolve("cdc.db");
        directory.toFile().mkdirs();
        logging = configure(directory);

        LOG.info("still logging");

        await().atMost(Duration.ofSeconds(10)).until(() -> warnings() == 1);
        assertThat(consoleText()).contains("is a directory", "still logging");
    }

    @Test
    void writesTheLinesQueuedDuringAnOutageOnceTheFileWorks() throws Exception {
        Path blocker = Files.writeString(dir.resolve("later-a-directory"), "");
        Path file = blocker.resolve("cdc.db");
        logging = configure(file);
        LOG.info("during the outage");
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings() == 1);

        Files.delete(blocker);
        clock.advance(Duration.ofSeconds(31));

        await().atMost(Duration.ofSeconds(10)).until(() -> LogDatabase.messages(file).contains("during the outage"));
        await().atMost(Duration.ofSeconds(10)).until(() -> consoleText().contains("is writable again"));
        // The warning may land in a later batch than the line queued before it was logged.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(LogDatabase.messages(file))
                .as("the warning itself reaches the database too")
                .anySatisfy(message -> assertThat(message).startsWith(WARNING)));
    }

    @Test
    void writesWhatIsQueuedWhenClosed() throws Exception {
        Path file = dir.resolve("cdc.db");
        logging = configure(file);
        for (int i = 0; i < 200; i++) {
            LOG.info("burst {}", i);
        }

        logging.close();

        assertThat(LogDatabase.messages(file)).hasSize(200).startsWith("burst 0").endsWith("burst 199");
        LOG.info("after close");
        assertThat(consoleText()).as("the console keeps logging").contains("after close");
        assertThat(LogDatabase.messages(file)).doesNotContain("after close");
    }

    @Test
    void leavesTheSqliteFileAloneWhenDisabled() {
        Path file = dir.resolve("cdc.db");
        logging = Logging.configure(new LoggingConfig("info", file, false, Duration.ofDays(7)), "es-sink");

        LOG.info("console only");

        assertThat(consoleText()).contains("console only");
        assertThat(file).doesNotExist();
    }

    @Test
    void appliesTheConfiguredLevel() throws Exception {
        Path file = dir.resolve("cdc.db");
        logging = Logging.configure(new LoggingConfig("warn", file, true, Duration.ofDays(7)), "es-sink");

        LOG.info("too detailed");
        LOG.warn("worth keeping");
        logging.close();

        assertThat(LogDatabase.messages(file)).containsExactly("worth keeping");
        assertThat(consoleText()).contains("worth keeping").doesNotContain("too detailed");
    }

    @Test
    void quietsClientLibrariesAtInfoButNotWhenDebugging() {
        Logger kafka = LoggerFactory.getLogger("org.apache.kafka.clients.producer.ProducerConfig");
        logging = Logging.configure(new LoggingConfig("info", dir.resolve("a.db"), false, Duration.ofDays(7)), "es-sink");
        kafka.info("ProducerConfig values at info");
        kafka.warn("producer warning at info");

        logging = Logging.configure(new LoggingConfig("debug", dir.resolve("b.db"), false, Duration.ofDays(7)), "es-sink");
        kafka.info("ProducerConfig values at debug");

        assertThat(consoleText()).doesNotContain("ProducerConfig values at info")
                .contains("producer warning at info", "ProducerConfig values at debug");
    }

    @Test
    void bundlesALogbackXmlWithTheSameConsolePattern() throws IOException {
        try (InputStream xml = Logging.class.getResourceAsStream("/logback.xml")) {
            assertThat(xml).as("logback.xml on the class path").isNotNull();
            String text = new String(xml.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).contains("<pattern>" + Logging.CONSOLE_PATTERN + "</pattern>", "<target>System.err</target>");
        }
    }

    private Logging configure(Path file) {
        LoggingConfig config = new LoggingConfig("info", file, true, Duration.ofDays(7));
        SqliteLogWriter.Settings settings = new SqliteLogWriter.Settings(file, config.retention(), 1_000, 100,
                Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMillis(20));
        return Logging.configure(config, "cdc-replicator", settings, clock);
    }

    private String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private long warnings() {
        return consoleText().lines().filter(line -> line.contains(WARNING)).count();
    }
}
