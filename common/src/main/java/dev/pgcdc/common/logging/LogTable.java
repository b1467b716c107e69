package dev.pgcdc.common.logging;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code logs} table of the SQLite log: its schema and the statements the writer and the
 * {@code logs} command share. {@code ts} is ISO-8601 UTC text with milliseconds, fixed width so
 * that it sorts as text; {@code ts_ms} is the same instant in epoch milliseconds, indexed.
 */
final class LogTable {

    static final String CREATE = """
            CREATE TABLE IF NOT EXISTS logs (
              id INTEGER PRIMARY KEY,
              ts TEXT NOT NULL,
              ts_ms INTEGER NOT NULL,
              level TEXT NOT NULL,
              logger TEXT NOT NULL,
              thread TEXT,
              message TEXT,
              exception TEXT,
              component TEXT,
              table_name TEXT,
              lsn TEXT)""";
    static final String CREATE_INDEX = "CREATE INDEX IF NOT EXISTS logs_ts_ms ON logs (ts_ms)";
    static final String INSERT = "INSERT INTO logs (ts, ts_ms, level, logger, thread, message, exception, component,"
            + " table_name, lsn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String DELETE_BEFORE = "DELETE FROM logs WHERE ts_ms < ?";
    static final String SELECT_COLUMNS = "SELECT ts_ms, level, logger, thread, message, exception, component, table_name,"
            + " lsn FROM logs";
    static final String EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'logs'";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LogTable() {
    }

    /** {@code 2024-05-01T12:00:00.123Z}: always three fraction digits, unlike {@code Instant.toString()}. */
    static String timestamp(long epochMillis) {
        return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
    }

    static void bind(PreparedStatement insert, LogRecord record) throws SQLException {
        insert.setString(1, timestamp(record.epochMillis()));
        insert.setLong(2, record.epochMillis());
        insert.setString(3, record.level());
        insert.setString(4, record.logger());
        insert.setString(5, record.thread());
        insert.setString(6, record.message());
        insert.setString(7, record.exception());
        insert.setString(8, record.component());
        insert.setString(9, record.table());
        insert.setString(10, record.lsn());
    }

    /** Reads the current row of a result set selected with {@link #SELECT_COLUMNS}. */
    static LogRecord read(ResultSet row) throws SQLException {
        return new LogRecord(row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getString(7), row.getString(8), row.getString(9));
    }
}
