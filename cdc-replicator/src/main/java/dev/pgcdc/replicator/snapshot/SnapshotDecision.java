package dev.pgcdc.replicator.snapshot;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.SnapshotMode;
import dev.pgcdc.replicator.pg.SlotState;
import dev.pgcdc.replicator.position.PositionStore.StoredPosition;
import dev.pgcdc.replicator.position.SnapshotState;

/**
 * Whether a session snapshots before it streams, from {@code postgres.snapshot_mode}, the stored
 * position, the slot and the stored snapshot progress:
 * <ul>
 *   <li>{@code never}: no snapshot, whatever is stored;</li>
 *   <li>an unfinished snapshot is stored: resume it (unless the slot is gone: then start over with a
 *       new slot);</li>
 *   <li>no stored position: a new snapshot, in the slot's exported snapshot when the slot is created
 *       now, else in fresh snapshots tagged with the slot's confirmed position;</li>
 *   <li>a stored position: {@code always} snapshots again (fresh snapshots tagged with the stored
 *       position); {@code initial_only} has nothing left to do and exits; the others stream.</li>
 * </ul>
 * {@code when_needed} first throws the stored position away when it can no longer be streamed from
 * ({@link #streamable}), and then follows the rules above.
 */
public final class SnapshotDecision {

    /** What the session does before streaming. */
    public enum Action {
        /** Stream without a snapshot. */
        NONE,
        /** Create the slot with EXPORT_SNAPSHOT and read in that snapshot. */
        EXPORTED,
        /** Read in fresh snapshots; rows carry the position streaming starts from. */
        FRESH,
        /** Continue the stored snapshot's unfinished chunks in fresh snapshots. */
        RESUME,
        /** {@code initial_only} with nothing to snapshot: exit 0. */
        EXIT
    }

    private SnapshotDecision() {
    }

    public static Action decide(SnapshotMode mode, StoredPosition stored, SlotState slot, SnapshotState state) {
        if (mode == SnapshotMode.NEVER) {
            return Action.NONE;
        }
        if (state != null && !state.complete()) {
            return slot == null ? Action.EXPORTED : Action.RESUME;
        }
        if (stored == null) {
            return slot == null ? Action.EXPORTED : Action.FRESH;
        }
        return switch (mode) {
            case ALWAYS -> Action.FRESH;
            case INITIAL_ONLY -> Action.EXIT;
            default -> Action.NONE;
        };
    }

    /**
     * Whether streaming can continue from the stored position: the slot exists and is not
     * invalidated, has not been confirmed past the position (re-created or used by someone else), and
     * the position is not ahead of the server's WAL.
     */
    public static boolean streamable(StoredPosition stored, SlotState slot, Lsn currentWal) {
        return slot != null && !slot.lost()
                && (slot.confirmedFlushLsn() == null || !slot.confirmedFlushLsn().isAfter(stored.lsn()))
                && !stored.lsn().isAfter(currentWal);
    }
}
