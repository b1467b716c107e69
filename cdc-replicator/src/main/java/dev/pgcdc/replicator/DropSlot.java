package dev.pgcdc.replicator;

import dev.pgcdc.common.cli.ConfigFileOption;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.pg.PgErrors;
import dev.pgcdc.replicator.pg.SlotState;
import dev.pgcdc.replicator.pg.Slots;
import dev.pgcdc.replicator.position.PositionStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdc-replicator drop-slot --yes-i-am-sure}: retires a pipeline. Drops the replication slot
 * (so PostgreSQL stops retaining WAL for it) and clears the stored position and snapshot progress
 * (a position without its slot cannot be resumed). Refuses while a replicator streams from the slot
 * or holds the position store. Without the flag it only says what it would do. The publication and
 * the Kafka topics are left alone.
 */
@Command(name = "drop-slot", mixinStandardHelpOptions = true,
        description = {"Retire the pipeline: drop the replication slot and clear the stored position.",
                "Refuses while a replicator runs. The next start begins again with a snapshot (snapshot_mode)."})
final class DropSlot implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Option(names = "--yes-i-am-sure", description = "Really drop the slot; without it nothing is changed")
    boolean sure;

    @Override
    public Integer call() {
        PgcdcConfig loaded = config.loadOrReport(Daemon.REPLICATOR, "cdc-replicator drop-slot", System.err);
        if (loaded == null) {
            return ConfigFileOption.INVALID;
        }
        return drop(loaded, sure, System.out, System.err);
    }

    static int drop(PgcdcConfig config, boolean sure, PrintStream out, PrintStream err) {
        String slotName = config.postgres().slotName();
        Path positions = config.replicator().positionPath();
        try (Connection connection = new Connections(config.postgres()).regular("pgcdc-drop-slot")) {
            int versionNum;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT current_setting('server_version_num')::int"); ResultSet rs = statement.executeQuery()) {
                rs.next();
                versionNum = rs.getInt(1);
            }
            SlotState slot = Slots.find(connection, slotName, versionNum);
            if (slot != null && slot.active()) {
                err.println("cdc-replicator drop-slot: slot " + slotName + " is in use by pid " + slot.activePid()
                        + "; stop the replicator first");
                return 1;
            }
            if (!sure) {
                out.println("would drop replication slot " + slotName + (slot == null ? " (it does not exist)" : "")
                        + " and clear the stored position in " + positions + "; the next start snapshots again."
                        + " Run again with --yes-i-am-sure to do it.");
                return 2;
            }
            // The store first: its lock proves no replicator runs from this directory.
            try (PositionStore store = PositionStore.open(positions)) {
                if (slot != null) {
                    Slots.drop(connection, slotName);
                    out.println("dropped replication slot " + slotName);
                } else {
                    out.println("replication slot " + slotName + " does not exist");
                }
                store.clear();
                store.clearSnapshot();
                out.println("cleared the stored position in " + positions);
            }
            return 0;
        } catch (SQLException e) {
            err.println("cdc-replicator drop-slot: " + PgErrors.classify("dropping slot " + slotName, e).getMessage());
            return 1;
        } catch (FatalException e) {
            err.println("cdc-replicator drop-slot: " + e.getMessage());
            return 1;
        }
    }
}
