package dev.pgcdc.bench.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * W2's generator: single-row INSERTs at a fixed rate (open loop: the schedule does not wait for slow
 * commits), committed in small transactions so that at most 500 commits per second are needed: 1k/s
 * is 2 rows per transaction, 10k/s 20. When a commit was slow, the next transactions are larger (up to
 * 20 ms of rows) until the schedule is met again. Every row is a new id, so every event is one
 * document downstream and can be timed individually.
 */
public final class SteadyWriter {

    private static final int MAX_COMMITS_PER_SECOND = 500;

    private SteadyWriter() {
    }

    /**
     * Writes for {@code seconds} at {@code rate} rows/s with ids from {@code firstId}.
     *
     * @return the rows written (below rate × seconds when PostgreSQL could not keep up)
     */
    public static long write(Connection connection, String table, long firstId, int rate, double seconds)
            throws SQLException {
        int perTx = Math.max(1, (int) Math.ceil((double) rate / MAX_COMMITS_PER_SECOND));
        long total = (long) (rate * seconds);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        long written = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + Rows.INSERT)) {
            while (written < total) {
                long now = System.nanoTime();
                long due = Math.min(total, (long) ((now - start) * (double) rate / 1e9));
                long need = Math.min(perTx, total - written);
                if (due - written < need) {
                    long next = start + (long) ((written + need) * 1e9 / rate);
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                if (now > end + 2_000_000_000L) {
                    break; // more than 2 s behind at the end: this machine cannot take this rate
                }
                // Behind schedule (a slow commit): catch up with larger transactions, up to 20 ms worth.
                int batch = (int) Math.min(total - written, Math.min(Math.max(perTx, due - written), Math.max(perTx, rate / 50)));
                for (int i = 0; i < batch; i++) {
                    long id = firstId + written + i;
                    insert.setLong(1, id);
                    insert.setString(2, Rows.name(id));
                    insert.setBigDecimal(3, Rows.amount(id, 0));
                    insert.setString(4, Rows.payload(id, 0));
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
                written += batch;
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return written;
    }
}
