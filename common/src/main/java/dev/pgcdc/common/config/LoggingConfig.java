package dev.pgcdc.common.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code logging} section: console level and the SQLite log database.
 *
 * @param level root log level (trace, debug, info, warn, error)
 * @param sqlitePath the SQLite database holding the {@code logs} table
 * @param sqliteEnabled whether log lines are also written to SQLite
 * @param retention rows older than this are pruned
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
        return new LoggingConfig(level.toLowerCase(java.util.Locale.ROOT),
                Path.of(node.string("sqlite_path", DEFAULTS.sqlitePath().toString())),
                node.bool("sqlite_enabled", DEFAULTS.sqliteEnabled()),
                node.duration("retention", DEFAULTS.retention()));
    }
}
