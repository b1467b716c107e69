package dev.pgcdc.replicator.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.ReplicatorConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.common.event.Source;
import dev.pgcdc.replicator.RetriableException;
import dev.pgcdc.replicator.event.ColumnTypes;
import dev.pgcdc.replicator.kafka.EventProducer;
import dev.pgcdc.replicator.kafka.KafkaErrors;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.pg.PgErrors;
import dev.pgcdc.replicator.position.PositionStore;
import dev.pgcdc.replicator.position.SnapshotState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every configured table into Kafka as {@code op: r} events, in parallel, resumably.
 *
 * <p><b>Consistency.</b> A new load reads inside the snapshot the slot exported when it was created
 * ({@code CREATE_REPLICATION_SLOT … EXPORT_SNAPSHOT}): each worker opens a REPEATABLE READ, read-only
 * transaction and imports it ({@code SET TRANSACTION SNAPSHOT}), so every worker sees the database
 * exactly as of the slot's consistent point, and streaming then starts at that point: a change
 * committed before it is in the snapshot, one committed after it is streamed, nothing is in both or
 * neither. Every snapshot row carries {@code commit_lsn} = the consistent point and sequence 0, so a
 * streamed change of the same row (commit LSN above the consistent point) always has the higher
 * version. Streaming starts only after Kafka acknowledged every snapshot row, so in Kafka too each
 * row's snapshot event precedes its streamed changes.
 *
 * <p><b>Resuming in a fresh snapshot.</b> An exported snapshot lives only while the replication
 * connection that created it stays open and idle; after a crash it is gone. Chunks not finished then
 * are read in new REPEATABLE READ transactions (one per worker) taken <em>after</em> the consistent
 * point, still tagged with the consistent point as version, and streaming still starts at the
 * consistent point (the position is not moved during a snapshot). Such a row may hold a value newer
 * than the consistent point; the stream then replays every change made since the consistent point,
 * each with a higher version, ending with the row's current value (or its delete). So the result
 * converges to the database exactly; in between, a consumer may briefly see a newer value replaced
 * by older ones and then the newest. The same rule covers a load started when the slot already
 * existed (no exported snapshot to be had): the rows are tagged with the position streaming starts
 * from.
 *
 * <p><b>Chunks.</b> A table with a primary key is cut into key ranges of about
 * {@code snapshot_chunk_size} rows ({@link ChunkPlanner}); chunks of every table go into one queue
 * that {@code snapshot_workers} connections drain, each chunk read by one query over its key range
 * with a streaming cursor ({@code setFetchSize}, autocommit off). A table without a primary key is
 * one chunk read with a streaming cursor. The plan is stored before any chunk, and a chunk is
 * recorded as done only after Kafka acknowledged all its rows (then the LMDB write is synced).
 *
 * <p><b>{@code source.snapshot}.</b> {@code true} on every row except one per table: the last row
 * of the chunk that finished reading last in this run is {@code last}. When that chunk is empty,
 * no row of the table is marked {@code last}. Consumers should treat {@code last} as a hint, not
 * as a completeness signal.
 *
 * <p><b>Markers.</b> Before the first row, each table not yet complete gets a
 * {@code snapshot_started} event; once Kafka acknowledged every row of every table (and before the
 * snapshot is stored as complete), each table gets a {@code snapshot_completed} event. Both go to
 * every partition of the table's topic and carry the snapshot's version as {@code commit_lsn}. The
 * completion marker is the completeness signal: in each partition it follows all the snapshot rows
 * that partition holds, so a consumer may then drop what the snapshot did not rewrite (rows older
 * than the version that no longer exist, e.g. deleted while no slot captured them). A row that
 * exists is always rewritten: it is read and sent with the snapshot's version, whatever the
 * transaction in flight at export time or the change streamed later (both commit above the
 * consistent point, so they are newer than the snapshot row, never older).
 *
 * <p>{@link #run} runs on the session thread; it starts and ends the worker threads itself.
 */
public final class InitialSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(InitialSnapshot.class);
    private static final JsonNodeFactory NODES = ChangeEventCodec.MAPPER.getNodeFactory();
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("[0-9A-Fa-f-]+");

    private final Connections connections;
    private final PostgresConfig pg;
    private final ReplicatorConfig settings;
    private final EventProducer producer;
    private final PositionStore store;
    private final ColumnTypes columnTypes;
    private final String version;
    private final Clock clock;
    private final BooleanSupplier stopRequested;
    private final SnapshotProgress progress;
    private final Semaphore inFlight;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private SnapshotState state;

    public InitialSnapshot(Connections connections, PostgresConfig pg, ReplicatorConfig settings, EventProducer producer,
            PositionStore store, ColumnTypes columnTypes, String version, Clock clock, BooleanSupplier stopRequested,
            SnapshotProgress progress) {
        this.connections = connections;
        this.pg = pg;
        this.settings = settings;
        this.producer = producer;
        this.store = store;
        this.columnTypes = columnTypes;
        this.version = version;
        this.clock = clock;
        this.stopRequested = stopRequested;
        this.progress = progress;
        this.inFlight = new Semaphore(settings.maxInFlightEvents());
    }

    /**
     * Reads every table the state does not list as complete, saving progress as chunks finish.
     *
     * @param exportedSnapshot the name of the snapshot the slot exported, to be imported by every
     *     worker (its replication connection must stay open and idle until this returns); null to
     *     read in fresh snapshots
     * @return the completed state; null when a stop was requested first
     * @throws RuntimeException {@link dev.pgcdc.replicator.RetriableException} or
     *     {@link dev.pgcdc.replicator.FatalException} on failures
     */
    public SnapshotState run(SnapshotState initial, String exportedSnapshot) {
        if (exportedSnapshot != null && !SNAPSHOT_NAME.matcher(exportedSnapshot).matches()) {
            throw new IllegalStateException("unexpected exported snapshot name '" + exportedSnapshot + "'");
        }
        this.state = initial;
        long done = initial.tables().stream().mapToLong(table -> table.doneChunks().size()).sum();
        LOG.info("snapshot of {} {} ({}; rows carry commit_lsn {}), {} workers, chunks of {} rows",
                pg.tableIds(), done > 0 ? "resuming after " + done + " finished chunks" : "starting", exportedSnapshot != null ? "exported snapshot " + exportedSnapshot
                        : "fresh snapshots", initial.versionLsn(), settings.snapshotWorkers(),
                settings.snapshotChunkSize());
        Map<TableId, TableRun> runs = new HashMap<>();
        List<TableId> unfinished = new ArrayList<>();
        Queue<Chunk> queue = new ConcurrentLinkedQueue<>();
        try (Connection planner = connections.snapshot("pgcdc-snapshot-planner")) {
            begin(planner, exportedSnapshot);
            for (TableConfig config : pg.tables()) {
                SnapshotState.Table table = state.table(config.id());
                if (table.complete()) {
                    continue;
                }
                TableShape shape = TableShape.read(planner, config, columnTypes);
                if (!table.planned()) {
                    long started = System.nanoTime();
                    table = table.planned(ChunkPlanner.plan(planner, shape, settings.snapshotChunkSize(),
                            Math.max(settings.snapshotFetchSize(), 10_000)));
                    state = state.with(table);
                    store.saveSnapshot(state);
                    LOG.info("snapshot of {}: planned {} chunks in {} ms (~{} rows)", config.id(), table.chunkCount(),
                            (System.nanoTime() - started) / 1_000_000, shape.estimatedRows());
                }
                List<Chunk> pending = new ArrayList<>();
                for (Chunk chunk : Chunk.of(config.id(), table.boundaries())) {
                    if (!table.doneChunks().contains(chunk.index())) {
                        pending.add(chunk);
                    }
                }
                SnapshotProgress.Table counters = progress.add(config.id(), shape.estimatedRows(), table.rows(),
                        table.chunkCount());
                for (int i = 0; i < table.doneChunks().size(); i++) {
                    counters.chunkDone();
                }
                runs.put(config.id(), new TableRun(shape, counters, pending.size()));
                unfinished.add(config.id());
                queue.addAll(pending);
            }
            planner.commit();
        } catch (SQLException e) {
            throw PgErrors.classify("planning the snapshot", e);
        }
        // Before any row, in every partition (again when resuming: harmless, the version is the same).
        sendMarkers(Op.SNAPSHOT_STARTED, unfinished);
        int workers = Math.min(settings.snapshotWorkers(), queue.size());
        if (workers > 0) {
            readAll(queue, runs, exportedSnapshot, workers);
        }
        if (stopRequested.getAsBoolean() && !allComplete()) {
            LOG.info("snapshot stopped on request; it resumes at the next start");
            return null;
        }
        // After Kafka acknowledged every row, and before the snapshot is stored as complete: a crash in
        // between resumes the snapshot, which sends the markers again. For every table, also those
        // completed by an earlier run, whose markers may not have been sent.
        sendMarkers(Op.SNAPSHOT_COMPLETED, pg.tableIds());
        state = state.completed();
        store.saveSnapshot(state);
        LOG.info("snapshot complete: {} rows of {} tables", state.tables().stream().mapToLong(SnapshotState.Table::rows)
                .sum(), state.tables().size());
        return state;
    }

    private boolean allComplete() {
        return state.tables().stream().allMatch(SnapshotState.Table::complete);
    }

    private void readAll(Queue<Chunk> queue, Map<TableId, TableRun> runs, String exportedSnapshot, int workers) {
        ExecutorService executor = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-snapshot-" + Integer.toHexString(runnable.hashCode()));
            thread.setDaemon(true);
            return thread;
        });
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                int worker = i;
                futures.add(executor.submit(() -> work(worker, queue, runs, exportedSnapshot)));
            }
            long interval = settings.snapshotProgressInterval().toNanos();
            for (Future<?> future : futures) {
                while (true) {
                    try {
                        future.get(interval, TimeUnit.NANOSECONDS);
                        break;
                    } catch (TimeoutException e) {
                        for (TableRun run : runs.values()) {
                            if (!run.counters.isFinished() && run.counters.rowsDone() > 0) {
                                LOG.info("{}", run.counters.describe());
                            }
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new RetriableException("interrupted during the snapshot", e));
        } catch (java.util.concurrent.ExecutionException e) {
            failure.compareAndSet(null, new IllegalStateException("snapshot worker failed: " + e.getCause(),
                    e.getCause()));
        } finally {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** One worker: its own connection and transaction (importing the exported snapshot), chunks from the queue. */
    private void work(int worker, Queue<Chunk> queue, Map<TableId, TableRun> runs, String exportedSnapshot) {
        try (Connection connection = connections.snapshot("pgcdc-snapshot-" + worker)) {
            begin(connection, exportedSnapshot);
            Chunk chunk;
            while (!stopping() && (chunk = queue.poll()) != null) {
                readChunk(connection, chunk, runs.get(chunk.table()));
            }
            connection.commit();
        } catch (SQLException e) {
            failure.compareAndSet(null, PgErrors.classify("reading snapshot rows", e));
        } catch (StopSignal e) {
            // stopping: the chunk stays undone and is read again at the next start
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private boolean stopping() {
        return failure.get() != null || stopRequested.getAsBoolean();
    }

    /** Starts the connection's REPEATABLE READ transaction, importing the exported snapshot when there is one. */
    private static void begin(Connection connection, String exportedSnapshot) throws SQLException {
        if (exportedSnapshot != null) {
            try (Statement statement = connection.createStatement()) {
                // Must be the transaction's first statement; pgjdbc sends BEGIN (REPEATABLE READ, READ ONLY) first.
                statement.execute("SET TRANSACTION SNAPSHOT '" + exportedSnapshot + "'");
            }
        }
    }

    private void readChunk(Connection connection, Chunk chunk, TableRun run) throws SQLException {
        TableShape shape = run.shape;
        String sql = "SELECT " + shape.selectList() + " FROM " + shape.id().quoted() + " WHERE "
                + chunk.condition(shape.chunkKeyList(), shape.chunkKeyTypes())
                + (shape.chunkKey().isEmpty() ? "" : " ORDER BY " + shape.chunkKeyList());
        ChunkAcks acks = new ChunkAcks();
        long rows = 0;
        long tsMs = clock.millis();
        ObjectNode held = null;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(settings.snapshotFetchSize());
            List<String> parameters = chunk.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                int width = shape.names().size();
                while (rs.next()) {
                    if (stopping()) {
                        return;
                    }
                    ObjectNode after = NODES.objectNode();
                    for (int i = 0; i < width; i++) {
                        String text = rs.getString(i + 1);
                        if (text == null) {
                            after.putNull(shape.names().get(i));
                        } else {
                            after.set(shape.names().get(i), shape.types().get(i).toJson(text));
                        }
                    }
                    if (held != null) {
                        send(shape, held, SnapshotMarker.TRUE, tsMs, acks, run.counters);
                        rows++;
                    }
                    // The last row of a chunk waits: it is marked "last" when the chunk completes its table.
                    held = after;
                }
            }
        }
        boolean lastOfTable = run.remaining.decrementAndGet() == 0;
        if (held != null) {
            send(shape, held, lastOfTable ? SnapshotMarker.LAST : SnapshotMarker.TRUE, tsMs, acks, run.counters);
            rows++;
        }
        while (acks.outstanding.get() > 0) {
            if (stopping()) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (acks.failure != null) {
            throw KafkaErrors.classify("Kafka did not accept a snapshot row of " + shape.id(), acks.failure);
        }
        chunkDone(run, chunk, rows);
    }

    private void send(TableShape shape, ObjectNode after, SnapshotMarker marker, long tsMs, ChunkAcks acks,
            SnapshotProgress.Table counters) {
        ObjectNode key = NODES.objectNode();
        for (String column : shape.keyColumns()) {
            JsonNode value = after.get(column);
            key.set(column, value);
        }
        long lsn = state.version();
        Source source = new Source(version, Source.CONNECTOR, pg.slotName(), pg.dbname(), shape.id().schema(),
                shape.id().table(), null, lsn, lsn, 0, tsMs, marker);
        ChangeEvent event = new ChangeEvent(null, after, Op.READ, clock.millis(), source, key, shape.columns(),
                List.of());
        try {
            while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (stopping()) {
                    throw new StopSignal();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while sending snapshot rows", e);
        }
        acks.outstanding.incrementAndGet();
        try {
            producer.send(event, acks);
        } catch (RuntimeException e) {
            throw KafkaErrors.classify("sending a snapshot row of " + shape.id() + " to Kafka", e);
        }
        counters.rowSent();
    }

    /**
     * Sends one marker per table to every partition of its topic, versioned with the snapshot's
     * consistent point, and waits until Kafka acknowledged all of them.
     */
    private void sendMarkers(Op op, List<TableId> tables) {
        long lsn = state.version();
        MarkerAcks acks = new MarkerAcks();
        int records = 0;
        for (TableId table : tables) {
            Source source = new Source(version, Source.CONNECTOR, pg.slotName(), pg.dbname(), table.schema(),
                    table.table(), null, lsn, lsn, 0, clock.millis(), SnapshotMarker.TRUE);
            try {
                records += producer.send(new ChangeEvent(null, null, op, clock.millis(), source, null, List.of(),
                        List.of()), acks);
            } catch (RuntimeException e) {
                throw KafkaErrors.classify("sending the " + op.code() + " marker of " + table + " to Kafka", e);
            }
        }
        while (acks.outcomes.get() < records) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while sending snapshot markers", null);
            }
        }
        if (acks.failure != null) {
            throw KafkaErrors.classify("Kafka did not accept a " + op.code() + " marker", acks.failure);
        }
        if (!tables.isEmpty()) {
            LOG.info("sent {} markers of {} at {}", op.code(), tables, state.versionLsn());
        }
    }

    private synchronized void chunkDone(TableRun run, Chunk chunk, long rows) {
        SnapshotState.Table table = state.table(chunk.table()).chunkDone(chunk.index(), rows);
        state = state.with(table);
        store.saveSnapshot(state);
        run.counters.chunkDone();
        if (table.complete()) {
            run.counters.finished();
            LOG.info("{}", run.counters.summary());
        }
    }

    /** A table being read in this run. */
    private static final class TableRun {
        final TableShape shape;
        final SnapshotProgress.Table counters;
        /** Chunks of this run not finished reading yet. */
        final AtomicInteger remaining;

        TableRun(TableShape shape, SnapshotProgress.Table counters, int chunks) {
            this.shape = shape;
            this.counters = counters;
            this.remaining = new AtomicInteger(chunks);
        }
    }

    /** Counts one chunk's sends not yet acknowledged; callbacks on the producer's I/O thread, O(1). */
    private final class ChunkAcks implements EventProducer.Delivery {
        final AtomicInteger outstanding = new AtomicInteger();
        volatile Exception failure;

        @Override
        public void acknowledged() {
            outstanding.decrementAndGet();
            inFlight.release();
        }

        @Override
        public void failed(Exception exception) {
            if (failure == null) {
                failure = exception;
            }
            outstanding.decrementAndGet();
            inFlight.release();
        }
    }

    /** Counts the outcomes of marker sends; callbacks on the producer's I/O thread, O(1). */
    private static final class MarkerAcks implements EventProducer.Delivery {
        final AtomicInteger outcomes = new AtomicInteger();
        volatile Exception failure;

        @Override
        public void acknowledged() {
            outcomes.incrementAndGet();
        }

        @Override
        public void failed(Exception exception) {
            if (failure == null) {
                failure = exception;
            }
            outcomes.incrementAndGet();
        }
    }

    /** Unwinds a worker when the snapshot stops while it waits for Kafka capacity. */
    private static final class StopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopSignal() {
            super(null, null, false, false);
        }
    }
}
