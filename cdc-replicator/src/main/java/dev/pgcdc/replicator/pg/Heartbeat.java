package dev.pgcdc.replicator.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a small non-transactional logical decoding message ({@code pg_logical_emit_message},
 * prefix {@code pgcdc_heartbeat}) every interval on its own regular connection. The walsender
 * decodes it, so when the captured tables are idle but the server is busy the stream still moves
 * and the replicator can confirm the keepalive position: the slot does not pin WAL. The message
 * itself is never sent to Kafka.
 *
 * <p>Runs on its own single thread. Failures are logged and retried at the next tick (the
 * connection is reopened); a permission error stops the heartbeat with one warning.
 */
public final class Heartbeat implements AutoCloseable {

    public static final String PREFIX = "pgcdc_heartbeat";
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final Connections connections;
    private final ScheduledExecutorService executor;
    private Connection connection;
    private boolean warned;

    private Heartbeat(Connections connections) {
        this.connections = connections;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts beating every {@code interval}; returns null when the interval is zero (disabled). */
    public static Heartbeat start(Connections connections, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            return null;
        }
        Heartbeat heartbeat = new Heartbeat(connections);
        heartbeat.executor.scheduleWithFixedDelay(heartbeat::beat, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    private void beat() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = connections.regular("pgcdc-replicator-heartbeat");
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT pg_logical_emit_message(false, '" + PREFIX + "', now()::text)")) {
                statement.execute();
            }
            warned = false;
        } catch (SQLException e) {
            closeConnection();
            if ("42501".equals(PgErrors.sqlState(e))) {
                LOG.warn("heartbeat disabled: the role may not call pg_logical_emit_message (SQLSTATE 42501); grant it"
                        + " or set replicator.heartbeat_interval: 0");
                executor.shutdown();
            } else if (!warned) {
                LOG.warn("heartbeat failed (SQLSTATE {}): {}; retrying at the next interval", e.getSQLState(), e.getMessage());
                warned = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat failed: {}", e.toString());
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
