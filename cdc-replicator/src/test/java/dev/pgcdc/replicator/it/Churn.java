package dev.pgcdc.replicator.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another session that keeps changing {@code items(id int primary key, val int, pad text)} while
 * a snapshot or backfill reads it: updates and deletes of random existing ids and inserts of new
 * ids above {@code firstNewId}, in small transactions of a few statements. The database is the
 * truth at the end ({@link #stopAndRead}).
 */
final class Churn implements AutoCloseable {

    private final Scenario scenario;
    private final Thread thread;
    private final int maxExisting;
    private final Random random = new Random(11);
    final AtomicInteger transactions = new AtomicInteger();
    private volatile boolean stop;
    private int nextId;

    Churn(Scenario scenario, int maxExisting, int firstNewId) {
        this.scenario = scenario;
        this.maxExisting = maxExisting;
        this.nextId = firstNewId;
        this.thread = new Thread(this::run, "test-churn");
        thread.start();
    }

    private void run() {
        int counter = -1;
        while (!stop) {
            try (Connection connection = scenario.connect()) {
                connection.setAutoCommit(false);
                try (PreparedStatement update = connection.prepareStatement("UPDATE items SET val = ? WHERE id = ?");
                        PreparedStatement delete = connection.prepareStatement("DELETE FROM items WHERE id = ?");
                        PreparedStatement insert = connection.prepareStatement(
                                "INSERT INTO items (id, val, pad) VALUES (?, ?, 'new') ON CONFLICT (id) DO UPDATE"
                                        + " SET val = EXCLUDED.val")) {
                    while (!stop) {
                        for (int i = 0; i < 5; i++) {
                            int kind = random.nextInt(10);
                            int id = 1 + random.nextInt(maxExisting);
                            if (kind < 6) {
                                update.setInt(1, counter--);
                                update.setInt(2, id);
                                update.executeUpdate();
                            } else if (kind < 8) {
                                delete.setInt(1, id);
                                delete.executeUpdate();
                            } else if (kind < 9) {
                                insert.setInt(1, id);
                                insert.setInt(2, counter--);
                                insert.executeUpdate();
                            } else {
                                insert.setInt(1, nextId++);
                                insert.setInt(2, counter--);
                                insert.executeUpdate();
                            }
                        }
                        connection.commit();
                        transactions.incrementAndGet();
                        Thread.sleep(1);
                    }
                }
            } catch (SQLException e) {
                sleepQuietly(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops and returns the table's final content (id → val). */
    Map<Integer, Integer> stopAndRead() throws Exception {
        close();
        Map<Integer, Integer> rows = new HashMap<>();
        try (Connection connection = scenario.connect(); var rs = connection.createStatement()
                .executeQuery("SELECT id, val FROM items")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }
}
