package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.Lsn;

/**
 * A replication slot as {@code pg_replication_slots} shows it.
 *
 * @param plugin output plugin (null for a physical slot)
 * @param database the slot's database (null for a physical slot)
 * @param activePid the backend holding the slot, or null
 * @param confirmedFlushLsn the last position confirmed to the slot; null when never set
 * @param restartLsn null when the slot was invalidated
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}; null
 *     before PostgreSQL 13
 */
public record SlotState(
        String name,
        String plugin,
        boolean logical,
        String database,
        Integer activePid,
        Lsn confirmedFlushLsn,
        Lsn restartLsn,
        String walStatus) {

    public boolean active() {
        return activePid != null;
    }

    /** True when PostgreSQL invalidated the slot: the WAL it needs is gone. */
    public boolean lost() {
        return "lost".equals(walStatus) || (logical && restartLsn == null && confirmedFlushLsn != null);
    }
}
