package dev.pgcdc.e2e.workload;

/**
 * What a workload run did. {@code rowsChanged} counts rows inserted, updated and deleted by committed
 * transactions (each is one change event; a truncate is one more); a transaction whose commit failed
 * with a broken connection may or may not have committed and is counted in {@code uncertain}.
 */
public record WorkloadStats(long seed, long transactions, long rolledBack, long uncertain, long rowsChanged,
                            long truncates, long primaryKeyChanges, long toastWrites, long reconnects) {

    @Override
    public String toString() {
        return String.format("seed %d: %d transactions committed (%d rolled back, %d uncertain), %d rows changed,"
                        + " %d truncates, %d key changes, %d TOAST writes, %d reconnects", seed, transactions,
                rolledBack, uncertain, rowsChanged, truncates, primaryKeyChanges, toastWrites, reconnects);
    }
}
