package dev.pgcdc.bench.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small JDBC helpers for setting up workloads. */
public final class Sql {

    private Sql() {
    }

    public static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    public static String string(Connection connection, String query) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static void createSlot(Connection connection, String slot) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            s.setString(1, slot);
            s.execute();
        }
    }

    /** Drops the slot if it exists and is not in use (frees the WAL it holds). */
    public static void dropSlot(Connection connection, String slot) {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            s.setString(1, slot);
            s.execute();
        } catch (SQLException e) {
            System.err.println("bench: could not drop slot " + slot + ": " + e.getMessage());
        }
    }
}
