package dev.pgcdc.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code logging} section: console level and the SQLite log database.
 *
 * @param level root log level (trace, debug, info, warn, error, off), lower case
 * @param sqlitePath the SQLite database holding the {@code logs} table
 * @param sqliteEnabled whether log lines are also written to SQLite
 * @param retention rows older than this are pruned; above zero
 */
public record LoggingConfig(String level, Path sqlitePath, boolean sqliteEnabled, Duration retention) {

    public static final LoggingConfig DEFAULTS =
            new LoggingConfig("info", Path.of("logs", "cdc.db"), true, Duration.ofDays(7));

    static LoggingConfig from(ConfigNode node) {
        String level = node.string("level", DEFAULTS.level());
        if (!level.matches("(?i)trace|debug|info|warn|error|off")) {
            node.problem("level", "expected one of trace, debug, info, warn, error, off, got '" + level + "'");
            level = DEFAULTS.level();
        }
        Path path = DEFAULTS.sqlitePath();
        String pathText = node.string("sqlite_path", path.toString());
        try {
            if (pathText.isBlank()) {
                node.problem("sqlite_path", "must not be empty; name the SQLite file, e.g. sqlite_path: logs/cdc.db"
                        + " (or set sqlite_enabled: false)");
            } else {
                path = Path.of(pathText);
            }
        } catch (InvalidPathException e) {
            node.problem("sqlite_path", "is not a valid file path (" + e.getReason() + ")");
        }
        Duration retention = node.duration("retention", DEFAULTS.retention());
        if (retention.isZero()) {
            node.problem("retention", "must be above zero, e.g. 7d");
            retention = DEFAULTS.retention();
        }
        return new LoggingConfig(level.toLowerCase(Locale.ROOT), path, node.bool("sqlite_enabled",
                DEFAULTS.sqliteEnabled()), retention);
    }
}
