package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.replicator.FatalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;

/** Reads, creates and waits for the logical replication slot. Callable from any thread with its own connection. */
public final class Slots {

    private Slots() {
    }

    /** The slot, or null when it does not exist. */
    public static SlotState find(Connection connection, String slotName, int serverVersion) throws SQLException {
        String walStatus = serverVersion >= 130000 ? "wal_status" : "NULL::text";
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT plugin, slot_type, database, active_pid, confirmed_flush_lsn::text, restart_lsn::text, " + walStatus
                        + " FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, slotName);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                int pid = rs.getInt(4);
                Integer activePid = rs.wasNull() ? null : pid;
                return new SlotState(slotName, rs.getString(1), "logical".equals(rs.getString(2)), rs.getString(3),
                        activePid, lsn(rs.getString(5)), lsn(rs.getString(6)), rs.getString(7));
            }
        }
    }

    /** The server's current WAL insert position. */
    public static Lsn currentWal(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_current_wal_lsn()::text");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    /** Creates the logical slot (plugin pgoutput) on a replication connection; returns its consistent point. */
    public static Lsn create(Connection replicationConnection, String slotName) throws SQLException {
        ReplicationSlotInfo info = replicationConnection.unwrap(PGConnection.class).getReplicationAPI()
                .createReplicationSlot()
                .logical()
                .withSlotName(slotName)
                .withOutputPlugin("pgoutput")
                .make();
        return new Lsn(info.getConsistentPoint().asLong());
    }

    /**
     * Creates the logical slot with {@code EXPORT_SNAPSHOT}, as a simple query on the replication
     * connection. The exported snapshot stays importable ({@code SET TRANSACTION SNAPSHOT}) only
     * while that connection stays open and runs no other command.
     */
    public static CreatedSlot createExporting(Connection replicationConnection, String slotName) throws SQLException {
        // slotName is validated by the config ([a-z0-9_]{1,63}); the old syntax works on PostgreSQL 12 and later.
        try (var statement = replicationConnection.createStatement();
                ResultSet rs = statement.executeQuery("CREATE_REPLICATION_SLOT " + slotName
                        + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
            rs.next();
            return new CreatedSlot(Lsn.parse(rs.getString("consistent_point")), rs.getString("snapshot_name"));
        }
    }

    /** A slot just created: where its stream starts and the snapshot it exported. */
    public record CreatedSlot(Lsn consistentPoint, String snapshotName) {
    }

    /** Drops an inactive slot (used when {@code snapshot_mode: when_needed} starts over after the slot was lost). */
    public static void drop(Connection connection, String slotName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            statement.setString(1, slotName);
            statement.execute();
        }
    }

    /**
     * Waits until no backend holds the slot: after a crash or a lost connection, the old walsender
     * may hold it for a moment (until it notices the closed socket or wal_sender_timeout ends it).
     *
     * @throws FatalException when another process still holds it after {@code timeout}
     */
    public static void awaitInactive(Connection connection, String slotName, int serverVersion, Duration timeout,
            Clock clock) throws SQLException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            SlotState slot = find(connection, slotName, serverVersion);
            if (slot == null || !slot.active()) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new FatalException("replication slot '" + slotName + "' is in use by another process (pid "
                        + slot.activePid() + ") for more than " + timeout.toSeconds() + " s: stop the other replicator"
                        + " or give this one its own postgres.slot_name; to end the holder run SELECT"
                        + " pg_terminate_backend(" + slot.activePid() + ");");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException("interrupted while waiting for slot '" + slotName + "' to be released", e);
            }
        }
    }

    private static Lsn lsn(String text) {
        return text == null ? null : Lsn.parse(text);
    }
}
