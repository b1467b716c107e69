package dev.pgcdc.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.pgcdc.common.config.LoggingConfig;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures logback for a daemon from its {@link LoggingConfig}: human-readable lines on the
 * console (standard error, so a command's own output on standard output stays clean) and, when
 * enabled, every line also in the SQLite log read by the {@code logs} command. Until
 * {@link #configure} runs, the {@code logback.xml} bundled in this module logs to the console
 * at INFO.
 *
 * <p>At level {@code info}, the Kafka, PostgreSQL and Elasticsearch client libraries log at WARN
 * only (they log every connection and their whole configuration at INFO); {@code debug} and
 * {@code trace} let them through. The daemons set the MDC keys {@link #MDC_COMPONENT}, {@link #MDC_TABLE} and {@link #MDC_LSN};
 * the SQLite log stores them in columns of their own. Closing the returned handle writes what is
 * still queued and closes the database; a shutdown hook does the same when the JVM exits without
 * it, so a fatal error logged just before {@code System.exit} is kept. Nothing here logs the
 * configuration.
 */
public final class Logging implements AutoCloseable {

    public static final String MDC_COMPONENT = "component";
    public static final String MDC_TABLE = "table";
    public static final String MDC_LSN = "lsn";

    /** Console line layout; {@code logback.xml} repeats it for the lines before {@link #configure}. */
    public static final String CONSOLE_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36}%replace( [%X]){' \\[\\]$', ''} - %msg%n";

    /** Client libraries that log every connection and config at INFO; at WARN unless debugging. */
    private static final List<String> CHATTY = List.of("org.apache.kafka", "org.postgresql", "org.apache.http",
            "org.elasticsearch.client", "co.elastic.clients");

    private static final Object LOCK = new Object();
    private static Logging current;

    private final LoggerContext context;
    private final SqliteAppender sqlite;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Logging(LoggerContext context, SqliteAppender sqlite) {
        this.context = context;
        this.sqlite = sqlite;
        this.shutdownHook = new Thread(this::close, "logging-shutdown");
    }

    /**
     * Replaces the logback configuration; call once at start-up on the main thread, before
     * other threads log (lines logged during the switch may be lost). A second call closes the
     * first handle. Never fails because of the SQLite file: an unusable file gives one warning
     * on the console and is retried every 30 s.
     *
     * @param component the daemon's name, e.g. {@code cdc-replicator}; the SQLite log's
     *     {@code component} for lines whose thread has no MDC {@code component}
     * @throws IllegalStateException when SLF4J is bound to something other than logback
     */
    public static Logging configure(LoggingConfig config, String component) {
        return configure(config, component, SqliteLogWriter.Settings.of(config), Clock.systemUTC());
    }

    static Logging configure(LoggingConfig config, String component, SqliteLogWriter.Settings settings, Clock clock) {
        synchronized (LOCK) {
            if (current != null) {
                current.close();
            }
            LoggerContext context = loggerContext();
            context.reset();
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            Level level = Level.toLevel(config.level(), Level.INFO);
            root.setLevel(level);
            if (level == Level.INFO) {
                CHATTY.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
            }
            root.addAppender(console(context));
            SqliteAppender sqlite = null;
            if (config.sqliteEnabled()) {
                sqlite = new SqliteAppender(new SqliteLogWriter(settings, component, clock), component);
                sqlite.setContext(context);
                // Attached before it starts, so that the writer's own first warning is kept too.
                root.addAppender(sqlite);
                sqlite.start();
            }
            Logging logging = new Logging(context, sqlite);
            Runtime.getRuntime().addShutdownHook(logging.shutdownHook);
            current = logging;
            return logging;
        }
    }

    /**
     * Stops the SQLite log after writing what is queued (waiting a few seconds at most); the
     * console keeps logging. Idempotent; any thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (sqlite != null) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(sqlite);
            sqlite.stop();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: this call came from the hook itself.
        }
        synchronized (LOCK) {
            if (current == this) {
                current = null;
            }
        }
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(CONSOLE_PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        return console;
    }

    private static LoggerContext loggerContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName() + ", not logback;"
                    + " remove the other SLF4J provider from the class path");
        }
        return context;
    }
}
