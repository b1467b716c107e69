package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.metrics.ReplicatorMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, on its own thread and connection, how much WAL the slot retains:
 * {@code pg_current_wal_lsn() - confirmed_flush_lsn} of the slot, published as
 * {@code pgcdc_replicator_lag_bytes}. A failed probe is logged at debug level and retried with a new
 * connection at the next interval; it never disturbs streaming. Needs no privilege beyond LOGIN.
 */
public final class LagProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LagProbe.class);
    private static final String QUERY = "SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint"
            + " FROM pg_replication_slots WHERE slot_name = ?";

    private final Connections connections;
    private final String slotName;
    private final ReplicatorMetrics metrics;
    private final ScheduledExecutorService executor;
    /** Written by the probe thread; read by {@link #close} from the session's thread. */
    private volatile Connection connection;
    private volatile boolean closed;

    private LagProbe(Connections connections, String slotName, ReplicatorMetrics metrics, Duration interval) {
        this.connections = connections;
        this.slotName = slotName;
        this.metrics = metrics;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-lag-probe");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::probe, 0, Math.max(1000, interval.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Starts probing every {@code interval} (at least once a second). */
    public static LagProbe start(Connections connections, String slotName, ReplicatorMetrics metrics, Duration interval) {
        return new LagProbe(connections, slotName, metrics, interval);
    }

    private void probe() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = connections.regular("pgcdc-lag-probe");
                if (closed) {
                    closeConnection();
                    return;
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
                statement.setString(1, slotName);
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next()) {
                        long lag = rs.getLong(1);
                        metrics.lagBytes(rs.wasNull() ? -1 : Math.max(0, lag));
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("measuring the slot's lag failed: {}", e.toString());
            closeConnection();
        }
    }

    private void closeConnection() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                LOG.debug("closing the lag probe's connection failed: {}", e.toString());
            }
        }
    }

    /**
     * Stops probing without waiting for a probe in progress (a hung server must not delay a
     * shutdown that has to finish within seconds); its connection is closed underneath it.
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        closeConnection();
    }
}
