package dev.pgcdc.replicator;

import dev.pgcdc.common.cli.ConfigFileOption;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.pg.PgErrors;
import dev.pgcdc.replicator.pg.SlotState;
import dev.pgcdc.replicator.pg.Slots;
import dev.pgcdc.replicator.position.PositionStore;
import dev.pgcdc.replicator.position.SnapshotState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdc-replicator status}: the slot (active or not, confirmed flush LSN, the WAL it
 * retains), the server's current WAL LSN, the LSN stored in LMDB, and the initial snapshot's
 * durable progress. Read-only: the position store is read without its lock, so this works while
 * the replicator runs. {@code --json} prints one JSON object.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the slot, the server's WAL position, the retained WAL, the stored position and the"
                + " snapshot's progress.", "Read-only; safe while the replicator runs."})
final class ReplicatorStatus implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Option(names = "--json", description = "Print one JSON object instead of text")
    boolean json;

    /**
     * What {@code status} reports.
     *
     * @param slot null when the slot does not exist
     * @param retainedBytes {@code pg_current_wal_lsn() - restart_lsn}: WAL kept on the server for the slot; -1 unknown
     * @param lagBytes {@code pg_current_wal_lsn() - confirmed_flush_lsn}; -1 unknown
     */
    record Report(String slotName, SlotState slot, Lsn currentWal, long retainedBytes, long lagBytes,
                  Optional<PositionStore.StoredPosition> stored, Optional<SnapshotState> snapshot) {
    }

    @Override
    public Integer call() {
        PgcdcConfig loaded = config.loadOrReport(Daemon.REPLICATOR, "cdc-replicator status", System.err);
        if (loaded == null) {
            return ConfigFileOption.INVALID;
        }
        try {
            print(read(loaded), json, System.out);
            return 0;
        } catch (SQLException e) {
            System.err.println("cdc-replicator status: " + PgErrors.classify("reading the slot", e).getMessage()
                    + "; run 'cdc-replicator check' to see what is wrong");
            return 1;
        } catch (FatalException e) {
            System.err.println("cdc-replicator status: " + e.getMessage());
            return 1;
        }
    }

    static Report read(PgcdcConfig config) throws SQLException {
        String slotName = config.postgres().slotName();
        PositionStore.Contents contents = PositionStore.peek(config.replicator().positionPath());
        try (Connection connection = new Connections(config.postgres()).regular("pgcdc-status")) {
            int versionNum;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT current_setting('server_version_num')::int"); ResultSet rs = statement.executeQuery()) {
                rs.next();
                versionNum = rs.getInt(1);
            }
            SlotState slot = Slots.find(connection, slotName, versionNum);
            Lsn current = Slots.currentWal(connection);
            long retained = -1;
            long lag = -1;
            if (slot != null) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT (pg_current_wal_lsn() - restart_lsn)::bigint, (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint"
                                + " FROM pg_replication_slots WHERE slot_name = ?")) {
                    statement.setString(1, slotName);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (rs.next()) {
                            retained = rs.getLong(1);
                            retained = rs.wasNull() ? -1 : retained;
                            lag = rs.getLong(2);
                            lag = rs.wasNull() ? -1 : lag;
                        }
                    }
                }
            }
            return new Report(slotName, slot, current, retained, lag, contents.position(), contents.snapshot());
        }
    }

    static void print(Report report, boolean json, PrintStream out) {
        SlotState slot = report.slot();
        if (json) {
            ObjectNode root = ChangeEventCodec.MAPPER.createObjectNode();
            ObjectNode slotNode = root.putObject("slot");
            slotNode.put("name", report.slotName());
            slotNode.put("exists", slot != null);
            if (slot != null) {
                slotNode.put("active", slot.active());
                if (slot.activePid() != null) {
                    slotNode.put("active_pid", slot.activePid());
                }
                slotNode.put("confirmed_flush_lsn", text(slot.confirmedFlushLsn()));
                slotNode.put("restart_lsn", text(slot.restartLsn()));
                slotNode.put("wal_status", slot.walStatus());
                slotNode.put("retained_wal_bytes", report.retainedBytes());
                slotNode.put("lag_bytes", report.lagBytes());
            }
            root.put("current_wal_lsn", text(report.currentWal()));
            ObjectNode stored = root.putObject("stored_position");
            stored.put("lsn", report.stored().map(p -> p.lsn().toString()).orElse(null));
            stored.put("slot", report.stored().map(PositionStore.StoredPosition::slotName).orElse(null));
            if (report.snapshot().isPresent()) {
                SnapshotState snapshot = report.snapshot().get();
                ObjectNode node = root.putObject("snapshot");
                node.put("complete", snapshot.complete());
                node.put("version_lsn", snapshot.versionLsn().toString());
                ArrayNode tables = node.putArray("tables");
                for (SnapshotState.Table table : snapshot.tables()) {
                    ObjectNode t = tables.addObject();
                    t.put("table", table.id().toString());
                    t.put("complete", table.complete());
                    t.put("rows", table.rows());
                    t.put("chunks", table.chunkCount());
                    t.put("chunks_done", table.doneChunks().size());
                }
            } else {
                root.putNull("snapshot");
            }
            out.println(root.toPrettyString());
            return;
        }
        if (slot == null) {
            out.println("slot                 " + report.slotName() + " (does not exist; created at the first start)");
        } else {
            out.println("slot                 " + report.slotName() + ", " + (slot.active() ? "active (pid "
                    + slot.activePid() + ")" : "inactive") + ", wal_status " + slot.walStatus());
            out.println("confirmed_flush_lsn  " + text(slot.confirmedFlushLsn()));
            out.println("restart_lsn          " + text(slot.restartLsn()));
        }
        out.println("pg_current_wal_lsn   " + text(report.currentWal()));
        if (slot != null) {
            out.println("retained WAL         " + bytes(report.retainedBytes()) + " (current - restart_lsn)");
            out.println("lag                  " + bytes(report.lagBytes()) + " (current - confirmed_flush_lsn)");
        }
        out.println("stored position      " + report.stored().map(p -> p.lsn() + " (slot " + p.slotName() + ")")
                .orElse("none"));
        if (report.snapshot().isEmpty()) {
            out.println("snapshot             none");
        } else {
            SnapshotState snapshot = report.snapshot().get();
            out.println("snapshot             " + (snapshot.complete() ? "complete" : "in progress") + " at "
                    + snapshot.versionLsn());
            for (SnapshotState.Table table : snapshot.tables()) {
                out.printf("  %-30s %s, %,d rows, %d/%d chunks%n", table.id(), table.complete() ? "done" : "not done",
                        table.rows(), table.doneChunks().size(), table.chunkCount());
            }
        }
    }

    private static String text(Lsn lsn) {
        return lsn == null ? null : lsn.toString();
    }

    private static String bytes(long value) {
        if (value < 0) {
            return "unknown";
        }
        if (value < 1024) {
            return value + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double scaled = value;
        int unit = -1;
        while (scaled >= 1024 && unit < units.length - 1) {
            scaled /= 1024;
            unit++;
        }
        return String.format("%,d bytes (%.1f %s)", value, scaled, units[unit]);
    }
}
