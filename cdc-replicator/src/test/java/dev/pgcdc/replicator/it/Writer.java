package dev.pgcdc.replicator.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Continuous writes to {@code items(id int primary key, val int)} on its own thread: new rows and
 * updates of earlier ones, one small transaction each, remembering the last committed value of
 * each row. A failed transaction (e.g. the server restarting) is retried on a new connection; an
 * outcome that is unknown (the commit may or may not have happened) is resolved by reading back.
 */
final class Writer implements AutoCloseable {

    private final Scenario scenario;
    private final Thread thread;
    private final Random random = new Random(42);
    final Map<Integer, Integer> committed = new ConcurrentHashMap<>();
    final AtomicInteger transactions = new AtomicInteger();
    private volatile boolean stop;

    Writer(Scenario scenario) {
        this.scenario = scenario;
        this.thread = new Thread(this::run, "test-writer");
        thread.start();
    }

    private void run() {
        int nextId = 1;
        int counter = 0;
        Connection connection = null;
        while (!stop) {
            boolean insert = committed.isEmpty() || random.nextInt(3) > 0;
            int id = insert ? nextId : 1 + random.nextInt(nextId - 1);
            int value = ++counter;
            try {
                if (connection == null) {
                    connection = scenario.connect();
                }
                try (PreparedStatement statement = connection.prepareStatement(insert
                        ? "INSERT INTO items (id, val) VALUES (?, ?)" : "UPDATE items SET val = ? WHERE id = ?")) {
                    statement.setInt(insert ? 1 : 2, id);
                    statement.setInt(insert ? 2 : 1, value);
                    statement.executeUpdate();
                }
                committed.put(id, value);
                if (insert) {
                    nextId++;
                }
                transactions.incrementAndGet();
                Thread.sleep(2);
            } catch (SQLException e) {
                close(connection);
                connection = null;
                resolve(id, insert);
                sleepQuietly(200);
            } catch (InterruptedException e) {
                return;
            }
        }
        close(connection);
    }

    /** After a failed statement: reads the row back to learn whether the commit happened. */
    private void resolve(int id, boolean insert) {
        while (!stop) {
            try (Connection connection = scenario.connect();
                    PreparedStatement statement = connection.prepareStatement("SELECT val FROM items WHERE id = ?")) {
                statement.setInt(1, id);
                try (var rs = statement.executeQuery()) {
                    if (rs.next()) {
                        committed.put(id, rs.getInt(1));
                    }
                }
                return;
            } catch (SQLException e) {
                sleepQuietly(200);
            }
        }
    }

    /** Stops writing and returns the final state read from the database (authoritative). */
    Map<Integer, Integer> stopAndRead() throws Exception {
        stop = true;
        thread.join(30_000);
        Map<Integer, Integer> rows = new ConcurrentHashMap<>();
        try (Connection connection = scenario.connect(); var rs = connection.createStatement()
                .executeQuery("SELECT id, val FROM items")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken anyway
            }
        }
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
