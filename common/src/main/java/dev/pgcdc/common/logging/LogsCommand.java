package dev.pgcdc.common.logging;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.cli.ConfigFileOption;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sqlite.SQLiteConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code logs} subcommand both daemons mount: prints recent lines of the SQLite log, oldest
 * first, filtered by level, time, text and component, as text or as JSON Lines. It reads the
 * database path from the config file's {@code logging.sqlite_path} (only the sections present
 * are checked, see {@link Daemon#ANY}) or takes it from {@code --db}, opens it read-only, and
 * never needs the services the daemons talk to. Exit code 0 on success, 1 when the database
 * cannot be read, 2 for a bad option or configuration (as the daemons).
 */
@Command(name = "logs", description = "Print recent lines of the SQLite log, oldest first.")
public final class LogsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Mixin
    ConfigFileOption config;

    @Option(names = "--db", paramLabel = "PATH", description = "The SQLite log database; overrides --config.")
    private Path database;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Print at most the newest N matching lines (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--level", paramLabel = "LEVEL",
            description = "Minimum level: trace, debug, info, warn or error (warn shows WARN and ERROR).")
    private String level;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only lines from TIME on: ISO time (2024-05-01T12:00:00Z; UTC without offset) or back from now"
                    + " (10m, 2h, 1d).")
    private String since;

    @Option(names = "--grep", paramLabel = "TEXT", description = "Only lines whose message or stack trace contains TEXT,"
            + " ignoring case.")
    private String grep;

    @Option(names = "--component", paramLabel = "NAME", description = "Only lines of this component, e.g. cdc-replicator.")
    private String component;

    @Option(names = "--json", description = "One JSON object per line instead of text, with ts, ts_ms, level, logger,"
            + " thread, message, exception, component, table_name and lsn.")
    private boolean json;

    private final Clock clock;

    /** For picocli; relative {@code --since} counts back from the system clock. */
    public LogsCommand() {
        this(Clock.systemUTC());
    }

    /** @param clock what relative {@code --since} values count back from */
    public LogsCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        LogQuery query = query();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path path;
        try {
            path = database != null ? database : ConfigLoader.load(config.file(), Daemon.ANY).logging().sqlitePath();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.println("(pass --db PATH to read a log database without a config file)");
            err.flush();
            return 2;
        }
        if (!Files.isRegularFile(path)) {
            err.println("no log database at " + path.toAbsolutePath() + (database != null ? "" : " (logging.sqlite_path in "
                    + config.file() + ")") + "; a daemon creates it when it starts, or pass the right file with --db PATH");
            err.flush();
            return 1;
        }
        try (Connection connection = openReadOnly(path)) {
            if (!hasLogTable(connection)) {
                err.println(path.toAbsolutePath() + " has no logs table; is it the pgcdc log database?");
                err.flush();
                return 1;
            }
            for (LogRecord record : query.run(connection)) {
                out.println(json ? json(record) : text(record));
            }
            out.flush();
            return 0;
        } catch (SQLException e) {
            err.println("cannot read the log database " + path.toAbsolutePath() + ": " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private LogQuery query() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        Level minimum = null;
        if (level != null) {
            minimum = Level.toLevel(level.trim().toUpperCase(Locale.ROOT), null);
            if (minimum == null || !LogQuery.LEVELS.contains(minimum)) {
                throw new ParameterException(spec.commandLine(),
                        "--level expects trace, debug, info, warn or error, got '" + level + "'");
            }
        }
        Instant from = null;
        if (since != null) {
            try {
                from = Since.parse(since, clock);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return new LogQuery(minimum, from, grep, component, limit);
    }

    private static Connection openReadOnly(Path path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        return config.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
    }

    private static boolean hasLogTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(LogTable.EXISTS)) {
            return rows.next();
        }
    }

    /** {@code 2024-05-01T12:00:00.123Z WARN  [thread] logger (component table=… lsn=…) message}, then the stack trace. */
    private static String text(LogRecord record) {
        StringBuilder line = new StringBuilder(LogTable.timestamp(record.epochMillis())).append(' ')
                .append(String.format(Locale.ROOT, "%-5s", record.level()))
                .append(" [").append(record.thread()).append("] ").append(record.logger());
        List<String> context = new ArrayList<>();
        if (record.component() != null) {
            context.add(record.component());
        }
        if (record.table() != null) {
            context.add("table=" + record.table());
        }
        if (record.lsn() != null) {
            context.add("lsn=" + record.lsn());
        }
        if (!context.isEmpty()) {
            line.append(" (").append(String.join(" ", context)).append(')');
        }
        line.append(" - ").append(record.message());
        if (record.exception() != null) {
            line.append(System.lineSeparator()).append(record.exception().stripTrailing());
        }
        return line.toString();
    }

    private static String json(LogRecord record) {
        ObjectNode node = JSON.createObjectNode()
                .put("ts", LogTable.timestamp(record.epochMillis()))
                .put("ts_ms", record.epochMillis())
                .put("level", record.level())
                .put("logger", record.logger())
                .put("thread", record.thread())
                .put("message", record.message())
                .put("exception", record.exception())
                .put("component", record.component())
                .put("table_name", record.table())
                .put("lsn", record.lsn());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
