package dev.pgcdc.common.logging;

import ch.qos.logback.classic.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A selection of the SQLite log: the newest {@code limit} lines that pass every filter, returned
 * oldest first. Level, time and component are filtered in SQL; the text search runs in Java
 * because SQLite's {@code lower()} folds ASCII only.
 *
 * @param minimumLevel lines at this level or above; null for all
 * @param since lines logged at or after this instant; null for all
 * @param grep text the message or the stack trace contains, any case; null for all
 * @param component lines of this component only; null for all
 */
record LogQuery(Level minimumLevel, Instant since, String grep, String component, int limit) {

    /** The levels a line can have, lowest first. */
    static final List<Level> LEVELS = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);

    List<LogRecord> run(Connection connection) throws SQLException {
        StringBuilder sql = new StringBuilder(LogTable.SELECT_COLUMNS).append(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (minimumLevel != null) {
            List<String> levels = LEVELS.stream().filter(level -> level.isGreaterOrEqual(minimumLevel))
                    .map(Level::toString).toList();
            sql.append(" AND level IN (").append("?, ".repeat(levels.size() - 1)).append("?)");
            parameters.addAll(levels);
        }
        if (since != null) {
            sql.append(" AND ts_ms >= ?");
            parameters.add(since.toEpochMilli());
        }
        if (component != null) {
            sql.append(" AND component = ?");
            parameters.add(component);
        }
        sql.append(" ORDER BY ts_ms DESC, id DESC");
        Pattern text = grep == null ? null
                : Pattern.compile(Pattern.quote(grep), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        List<LogRecord> newestFirst = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (newestFirst.size() < limit && rows.next()) {
                    LogRecord record = LogTable.read(rows);
                    if (text == null || matches(text, record.message()) || matches(text, record.exception())) {
                        newestFirst.add(record);
                    }
                }
            }
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static boolean matches(Pattern text, String value) {
        return value != null && text.matcher(value).find();
    }
}
