package dev.pgcdc.common.logging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/** Reads a SQLite log the way an operator's tool would: a connection of its own. */
final class LogDatabase {

    private LogDatabase() {
    }

    /** Every row in insertion order; empty when the file or the table does not exist yet. */
    static List<LogRecord> rows(Path file) throws SQLException {
        List<LogRecord> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery(LogTable.EXISTS)) {
                if (!exists.next()) {
                    return rows;
                }
            }
            try (ResultSet result = statement.executeQuery(LogTable.SELECT_COLUMNS + " ORDER BY id")) {
                while (result.next()) {
                    rows.add(LogTable.read(result));
                }
            }
        }
        return rows;
    }

    static List<String> messages(Path file) throws SQLException {
        return rows(file).stream().map(LogRecord::message).toList();
    }

    static String pragma(Path file, String name) throws SQLException {
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            result.next();
            return result.getString(1);
        }
    }
}
