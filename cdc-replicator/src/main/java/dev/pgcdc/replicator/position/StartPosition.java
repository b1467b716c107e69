package dev.pgcdc.replicator.position;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.replicator.FatalException;
import dev.pgcdc.replicator.pg.SlotState;
import java.nio.file.Path;

/**
 * Where streaming starts, decided from the stored position, the slot and the server's WAL; the
 * rules that keep a restart from skipping or inventing data:
 * <ul>
 *   <li>no stored position, no slot: create the slot and start at its consistent point;</li>
 *   <li>no stored position, slot exists: start at the slot's {@code confirmed_flush_lsn};</li>
 *   <li>stored position but the slot is missing or lost: stop (changes may be gone; the choice is
 *       the operator's: re-snapshot);</li>
 *   <li>slot's {@code confirmed_flush_lsn} ahead of the stored position: stop (the slot was moved by
 *       someone else; changes in between would be skipped silently);</li>
 *   <li>stored position ahead of the server's current WAL: stop (the store belongs to another
 *       server, or the server was restored from a backup);</li>
 *   <li>otherwise start at the stored position and skip transactions that end at or below it
 *       (normal after a crash between the LMDB write and the status update).</li>
 * </ul>
 *
 * @param createSlot true when the slot must be created first (then {@code start} is null)
 * @param start the LSN to pass to START_REPLICATION; null with {@code createSlot}
 * @param skipBefore transactions whose commit record starts below this are skipped; null skips none
 */
public record StartPosition(boolean createSlot, Lsn start, Lsn skipBefore) {

    /**
     * @param stored the stored position, or null
     * @param slot the slot, or null when it does not exist
     * @throws FatalException when a rule says stop; the message names what happened and the choices
     */
    public static StartPosition decide(PositionStore.StoredPosition stored, SlotState slot, Lsn currentWal,
            String slotName, String database, Path positionPath) {
        if (slot != null) {
            if (!slot.logical() || !"pgoutput".equals(slot.plugin())) {
                throw new FatalException("replication slot '" + slotName + "' exists but is not a logical pgoutput slot"
                        + " (plugin " + slot.plugin() + "); choose another postgres.slot_name");
            }
            if (!database.equals(slot.database())) {
                throw new FatalException("replication slot '" + slotName + "' belongs to database '" + slot.database()
                        + "', not '" + database + "'; choose another postgres.slot_name");
            }
        }
        if (stored != null && stored.slotName() != null && !stored.slotName().equals(slotName)) {
            throw new FatalException("the position stored at " + positionPath + " belongs to slot '" + stored.slotName()
                    + "', but postgres.slot_name is '" + slotName + "'; point replicator.position_path at this slot's"
                    + " own directory");
        }
        if (slot != null && slot.lost()) {
            throw new FatalException("replication slot '" + slotName + "' was invalidated by PostgreSQL (wal_status "
                    + slot.walStatus() + "): the WAL it needed was removed (max_slot_wal_keep_size), so changes have been"
                    + " lost. Choices: re-snapshot (drop the slot with SELECT pg_drop_replication_slot('" + slotName
                    + "'), delete " + positionPath + ", start the replicator, and reload the tables downstream)");
        }
        if (stored == null) {
            if (slot == null) {
                return new StartPosition(true, null, null);
            }
            return new StartPosition(false, slot.confirmedFlushLsn(), null);
        }
        Lsn position = stored.lsn();
        if (slot == null) {
            throw new FatalException("replication slot '" + slotName + "' does not exist, but position " + position
                    + " is stored at " + positionPath + ": the slot was dropped, so changes after " + position
                    + " may be lost. Choices: re-snapshot (delete " + positionPath + " and start the replicator: it"
                    + " creates a new slot and streams from now; reload the tables downstream), or point"
                    + " postgres.slot_name at the right slot");
        }
        if (slot.confirmedFlushLsn() != null && slot.confirmedFlushLsn().isAfter(position)) {
            throw new FatalException("replication slot '" + slotName + "' has confirmed_flush_lsn "
                    + slot.confirmedFlushLsn() + ", ahead of the position " + position + " stored at " + positionPath
                    + ": something else consumed from the slot, and the changes in between would be skipped. Choices:"
                    + " re-snapshot (drop the slot, delete " + positionPath + ", start), or give this replicator its own"
                    + " slot");
        }
        if (position.isAfter(currentWal)) {
            throw new FatalException("the position " + position + " stored at " + positionPath
                    + " is ahead of the server's current WAL position " + currentWal + ": the store belongs to another"
                    + " server or the server was restored from a backup. Delete " + positionPath
                    + " (and re-snapshot) to start over");
        }
        return new StartPosition(false, position, position);
    }
}
