package dev.pgcdc.replicator;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.ReplicatorConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.logging.Logging;
import dev.pgcdc.common.metrics.ReplicatorMetrics;
import dev.pgcdc.replicator.event.TransactionAssembler;
import dev.pgcdc.replicator.event.TransactionListener;
import dev.pgcdc.replicator.kafka.AckTracker;
import dev.pgcdc.replicator.kafka.EventProducer;
import dev.pgcdc.replicator.kafka.KafkaErrors;
import dev.pgcdc.replicator.pg.PgErrors;
import dev.pgcdc.replicator.pgoutput.PgOutputDecoder;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.LogicalMessage;
import dev.pgcdc.replicator.snapshot.Backfill;
import dev.pgcdc.replicator.position.PositionStore;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One session's read → decode → send → confirm loop, on the stream thread.
 *
 * <p>Events are sent to Kafka as they are decoded (a transaction is never buffered); only the
 * confirmation waits. The confirmed position moves only to a Commit's end LSN whose transaction,
 * and every earlier one, Kafka acknowledged in full — or, when everything is acknowledged, no
 * transaction is open and the stream is idle, to the server's keepalive position. The order is
 * always: Kafka acknowledgements → LMDB write (synced) → {@code setFlushedLSN}/{@code setAppliedLSN}
 * → status update (pgjdbc sends it at the status interval, and when the server asks). The
 * confirmed position never moves backwards.
 *
 * <p>On-demand backfills ({@link Backfill}) run on this thread too: their signal and watermark
 * messages are handed over as they are read, their chunks are selected between transactions, and
 * their rows are sent inside the high watermark's transaction, so they are confirmed like any change.
 *
 * <p>Backpressure: when the events or bytes in flight reach the configured caps, reading pauses;
 * while it waits, the loop keeps confirming what Kafka acknowledges and forces a status update
 * every half status interval, so a slow Kafka never lets {@code wal_sender_timeout} end the
 * connection.
 */
final class StreamLoop implements TransactionListener {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLoop.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final PGReplicationStream stream;
    private final TransactionAssembler assembler;
    private final EventProducer producer;
    private final AckTracker tracker;
    private final PositionStore store;
    private final String slotName;
    private final ReplicatorConfig config;
    private final BooleanSupplier stopRequested;
    private final Backfill backfill;
    private final long syncIntervalNanos;
    private final long forcedStatusNanos;
    private final ReplicatorMetrics metrics;
    /** Commit time (epoch ms) of the open transaction, from its events; 0 when none was seen. */
    private long openCommitTimeMs;

    private Lsn confirmed;
    private Lsn candidate;
    private Lsn lastDataLsn = Lsn.ZERO;
    private long lastSyncNanos;
    private long events;
    private long transactions;
    /** The commit LSN of the open transaction the listener was told about; null between transactions or in a skipped one. */
    private Lsn openCommitLsn;

    /**
     * @param confirmed the position already durable in LMDB and known to the slot (the start position)
     * @param backfill on-demand backfills driven by this loop, or null when disabled
     */
    StreamLoop(PGReplicationStream stream, TransactionAssembler assembler, EventProducer producer, AckTracker tracker,
            PositionStore store, String slotName, ReplicatorConfig config, Lsn confirmed, BooleanSupplier stopRequested,
            Backfill backfill, ReplicatorMetrics metrics) {
        this.backfill = backfill;
        this.metrics = metrics;
        this.stream = stream;
        this.assembler = assembler;
        this.producer = producer;
        this.tracker = tracker;
        this.store = store;
        this.slotName = slotName;
        this.config = config;
        this.confirmed = confirmed;
        this.candidate = confirmed;
        this.stopRequested = stopRequested;
        this.syncIntervalNanos = config.positionSyncInterval().toNanos();
        this.forcedStatusNanos = Math.max(1, config.statusInterval().toNanos() / 2);
        LogSequenceNumber start = LogSequenceNumber.valueOf(confirmed.value());
        stream.setFlushedLSN(start);
        stream.setAppliedLSN(start);
    }

    /**
     * Streams until a stop is requested; then returns (call {@link #drain}).
     *
     * @throws SQLException when the replication connection fails
     * @throws RuntimeException classified failures ({@link FatalException}, {@link RetriableException})
     */
    void run() throws SQLException {
        while (!stopRequested.getAsBoolean()) {
            ByteBuffer buffer = stream.readPending();
            if (buffer != null) {
                Lsn lsn = new Lsn(stream.getLastReceiveLSN().asLong());
                lastDataLsn = lsn;
                PgOutputMessage message = PgOutputDecoder.decode(buffer);
                try {
                    assembler.accept(message, lsn.value(), this);
                    if (backfill != null && openCommitLsn != null && message instanceof LogicalMessage logical
                            && logical.transactional()) {
                        for (ChangeEvent row : backfill.message(logical.prefix(), logical.content(), openCommitLsn,
                                lsn.value())) {
                            change(row);
                        }
                    }
                } catch (StopSignal stop) {
                    return;
                }
                checkFailure();
                confirmProgress(false, false);
                if (backfill != null && !assembler.inTransaction()) {
                    backfill.step();
                }
            } else {
                checkFailure();
                confirmProgress(true, false);
                if (backfill != null) {
                    backfill.step();
                }
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    /**
     * After {@link #run} returned: waits until Kafka acknowledged what is in flight (or the
     * deadline passes), then persists and confirms the last fully acknowledged commit and sends a
     * status update at once.
     */
    void drain(long deadlineNanos) throws SQLException {
        while (tracker.inFlightEvents() > 0 && tracker.failure() == null && System.nanoTime() < deadlineNanos) {
            confirmProgress(false, false);
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
        confirmProgress(!assembler.inTransaction(), true);
        stream.forceUpdateStatus();
        LOG.info("stopped streaming: confirmed {} ({} events in {} transactions this session)", confirmed, events,
                transactions);
    }

    /**
     * After a failure: persists what Kafka fully acknowledged, and tells PostgreSQL when the
     * connection still works. Never throws.
     */
    void salvage() {
        try {
            confirmProgress(false, true);
            if (!stream.isClosed()) {
                stream.forceUpdateStatus();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not confirm after the failure: {}", e.toString());
        }
    }

    Lsn confirmed() {
        return confirmed;
    }

    @Override
    public void begin(long xid, Lsn commitLsn) {
        tracker.begin();
        openCommitLsn = commitLsn;
    }

    @Override
    public void change(ChangeEvent event) {
        if (backfill != null) {
            backfill.changed(event);
        }
        awaitCapacity();
        openCommitTimeMs = event.source().tsMs();
        try {
            producer.send(event, tracker);
        } catch (RuntimeException e) {
            throw KafkaErrors.classify("sending a change of " + event.source().qualifiedTable() + " to Kafka", e);
        }
        events++;
    }

    @Override
    public void commit(Lsn endLsn) {
        openCommitLsn = null;
        tracker.commit(endLsn);
        transactions++;
        metrics.transaction();
        if (openCommitTimeMs > 0) {
            metrics.commitProcessed(openCommitTimeMs);
            openCommitTimeMs = 0;
        }
    }

    private void awaitCapacity() {
        if (tracker.inFlightEvents() < config.maxInFlightEvents() && tracker.inFlightBytes() < config.maxInFlightBytes()) {
            return;
        }
        long lastStatus = System.nanoTime();
        try {
            while (tracker.inFlightEvents() >= config.maxInFlightEvents()
                    || tracker.inFlightBytes() >= config.maxInFlightBytes()) {
                checkFailure();
                if (stopRequested.getAsBoolean()) {
                    throw new StopSignal();
                }
                confirmProgress(false, false);
                long now = System.nanoTime();
                if (now - lastStatus >= forcedStatusNanos) {
                    // Not reading the stream, so pgjdbc sends no status on its own: keep the walsender's timer fed.
                    stream.forceUpdateStatus();
                    lastStatus = now;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        } catch (SQLException e) {
            throw PgErrors.classify("sending a status update while Kafka catches up", e);
        }
    }

    private void checkFailure() {
        Exception failure = tracker.failure();
        if (failure != null) {
            throw KafkaErrors.classify("Kafka did not accept a change event", failure);
        }
    }

    /**
     * @param idle the stream had nothing to read: the keepalive position may be confirmed
     * @param force persist now even if the sync interval has not passed
     */
    private void confirmProgress(boolean idle, boolean force) throws SQLException {
        Lsn acked = tracker.confirmable();
        if (acked != null && acked.isAfter(candidate)) {
            candidate = acked;
        }
        if (idle && tracker.idle() && !assembler.inTransaction()) {
            // Everything received is in Kafka and no transaction is open: a keepalive that moved
            // past the last data message may be confirmed (never the LSN of a data message itself).
            Lsn received = new Lsn(stream.getLastReceiveLSN().asLong());
            if (received.isAfter(lastDataLsn) && received.isAfter(candidate)) {
                candidate = received;
            }
        }
        if (!candidate.isAfter(confirmed)) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastSyncNanos < syncIntervalNanos) {
            return;
        }
        store.save(candidate, slotName);
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(candidate.value());
        stream.setFlushedLSN(lsn);
        stream.setAppliedLSN(lsn);
        confirmed = candidate;
        lastSyncNanos = now;
        metrics.confirmed(confirmed.value());
        MDC.put(Logging.MDC_LSN, confirmed.toString());
        if (LOG.isDebugEnabled()) {
            LOG.debug("confirmed {}", confirmed);
        }
    }

    /** Unwinds the assembler when a stop is requested while waiting for Kafka capacity. */
    private static final class StopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopSignal() {
            super(null, null, false, false);
        }
    }
}
