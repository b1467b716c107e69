package dev.pgcdc.bench.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * W1's backlog: {@code rows} single-row INSERTs committed in transactions of {@code perTx}, then as
 * many single-row UPDATEs (new amount, payload and time), sent as JDBC batches of separate statements.
 */
public final class Backlog {

    private Backlog() {
    }

    /** @return the number of change events the backlog produces */
    public static long write(Connection connection, String table, int rows, int perTx) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + Rows.INSERT);
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE " + table + " SET amount = ?, payload = ?::jsonb, updated_at = now() WHERE id = ?")) {
            for (long id = 1; id <= rows; id++) {
                insert.setLong(1, id);
                insert.setString(2, Rows.name(id));
                insert.setBigDecimal(3, Rows.amount(id, 0));
                insert.setString(4, Rows.payload(id, 0));
                insert.addBatch();
                if (id % perTx == 0 || id == rows) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
            for (long id = 1; id <= rows; id++) {
                update.setBigDecimal(1, Rows.amount(id, 1));
                update.setString(2, Rows.payload(id, 1));
                update.setLong(3, id);
                update.addBatch();
                if (id % perTx == 0 || id == rows) {
                    update.executeBatch();
                    connection.commit();
                }
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return 2L * rows;
    }
}
