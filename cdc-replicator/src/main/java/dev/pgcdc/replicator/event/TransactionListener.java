package dev.pgcdc.replicator.event;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.event.ChangeEvent;

/**
 * Receives what {@link TransactionAssembler} makes of the stream, in stream order: {@code begin},
 * the transaction's events, {@code commit}. Transactions that are skipped (already confirmed)
 * produce no calls. Called on the stream thread; implementations may block briefly (backpressure).
 */
public interface TransactionListener {

    /** A transaction starts; {@code commitLsn} is the LSN of its commit record. */
    void begin(long xid, Lsn commitLsn);

    /** One change event of the current transaction. */
    void change(ChangeEvent event);

    /** The current transaction ends; {@code endLsn} is the position to confirm once it is durable. */
    void commit(Lsn endLsn);
}
