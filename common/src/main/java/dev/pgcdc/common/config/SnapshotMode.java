package dev.pgcdc.common.config;

/**
 * When the replicator reads the configured tables whole ({@code postgres.snapshot_mode}), with the
 * names Debezium users know. "Stored position" is the confirmed LSN in the replicator's LMDB store.
 */
public enum SnapshotMode {
    /** Snapshot when there is no stored position (first start), then stream. The default. */
    INITIAL,
    /** Never snapshot: stream changes from the slot only. */
    NEVER,
    /** Like {@link #INITIAL}, then exit 0 instead of streaming. */
    INITIAL_ONLY,
    /**
     * Like {@link #INITIAL}; also snapshot again when the stored position can no longer be
     * streamed from (slot dropped, re-created or invalidated) instead of stopping with an error.
     */
    WHEN_NEEDED,
    /** Snapshot at every start, then stream from the stored position. */
    ALWAYS
}
