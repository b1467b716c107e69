package dev.pgcdc.replicator.kafka;

import dev.pgcdc.common.Lsn;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Knows which transactions Kafka holds completely. Transactions are tracked in stream order; each
 * counts its sends not yet acknowledged. {@link #confirmable()} returns the end LSN of the last
 * transaction of the unbroken run, from the oldest, of committed transactions whose every event is
 * acknowledged — across all partitions, since the count is per transaction, not per partition.
 *
 * <p>A failed send is never counted as acknowledged: its transaction, and every later one, stays
 * unconfirmable (fail closed), and {@link #failure()} reports the first error.
 *
 * <p>Threads: {@link #begin}, {@link #track}, {@link #commit}, {@link #confirmable} and
 * {@link #idle} belong to the stream thread. {@link Ack#acknowledged()} and
 * {@link Ack#failed(Exception)} are called on the producer's I/O thread, are O(1) and never block.
 * The in-flight counters and {@link #failure()} may be read from any thread.
 */
public final class AckTracker {

    private final ArrayDeque<Transaction> pending = new ArrayDeque<>();
    private final AtomicLong inFlightEvents = new AtomicLong();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Transaction current;

    /** Opens the next transaction; its events are tracked until {@link #commit}. */
    public void begin() {
        if (current != null) {
            throw new IllegalStateException("begin inside an open transaction");
        }
        current = new Transaction();
        pending.addLast(current);
    }

    /**
     * Counts one send of {@code bytes} bytes in the open transaction; hand the returned ack to
     * the producer callback.
     */
    public Ack track(int bytes) {
        if (current == null) {
            throw new IllegalStateException("a send outside a transaction");
        }
        current.outstanding.incrementAndGet();
        inFlightEvents.incrementAndGet();
        inFlightBytes.addAndGet(bytes);
        return new Ack(current, bytes);
    }

    /** Closes the open transaction; it becomes confirmable at {@code endLsn} once every send is acknowledged. */
    public void commit(Lsn endLsn) {
        if (current == null) {
            throw new IllegalStateException("commit without a transaction");
        }
        current.endLsn = endLsn;
        current = null;
    }

    /**
     * Removes the oldest committed transactions whose sends are all acknowledged and returns the
     * end LSN of the last one removed; null when the oldest is not complete yet.
     */
    public Lsn confirmable() {
        Lsn last = null;
        while (!pending.isEmpty()) {
            Transaction oldest = pending.peekFirst();
            if (oldest.endLsn == null || oldest.outstanding.get() != 0 || oldest.failed) {
                break;
            }
            pending.removeFirst();
            last = oldest.endLsn;
        }
        return last;
    }

    /** True when no transaction is open or waiting for acknowledgements. */
    public boolean idle() {
        return current == null && pending.isEmpty();
    }

    public long inFlightEvents() {
        return inFlightEvents.get();
    }

    public long inFlightBytes() {
        return inFlightBytes.get();
    }

    /** The first failed send, or null. */
    public Exception failure() {
        return failure.get();
    }

    private static final class Transaction {
        final AtomicInteger outstanding = new AtomicInteger();
        /** Written on the stream thread before the sends it guards are read as complete. */
        volatile Lsn endLsn;
        volatile boolean failed;
    }

    /** The outcome of one send; exactly one of its methods is called once. */
    public final class Ack {
        private final Transaction transaction;
        private final int bytes;

        private Ack(Transaction transaction, int bytes) {
            this.transaction = transaction;
            this.bytes = bytes;
        }

        /** Called on the producer's I/O thread; O(1). */
        public void acknowledged() {
            transaction.outstanding.decrementAndGet();
            release();
        }

        /** Called on the producer's I/O thread (or the stream thread when send throws); O(1). */
        public void failed(Exception exception) {
            transaction.failed = true;
            failure.compareAndSet(null, exception);
            release();
        }

        private void release() {
            inFlightEvents.decrementAndGet();
            inFlightBytes.addAndGet(-bytes);
        }
    }
}
