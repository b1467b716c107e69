package dev.pgcdc.replicator;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.ReplicatorConfig;
import dev.pgcdc.common.config.SnapshotMode;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.health.Health;
import dev.pgcdc.common.logging.Logging;
import dev.pgcdc.common.metrics.ReplicatorMetrics;
import dev.pgcdc.common.retry.Backoff;
import dev.pgcdc.replicator.event.ConvertedColumnTypes;
import dev.pgcdc.replicator.event.EventSizeGuard;
import dev.pgcdc.replicator.event.TransactionAssembler;
import dev.pgcdc.replicator.kafka.AckTracker;
import dev.pgcdc.replicator.kafka.EventProducer;
import dev.pgcdc.replicator.kafka.KafkaErrors;
import dev.pgcdc.replicator.kafka.Topics;
import dev.pgcdc.replicator.pg.CatalogTableKeys;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.pg.Heartbeat;
import dev.pgcdc.replicator.pg.JdbcRowLookup;
import dev.pgcdc.replicator.pg.JdbcTypeCatalog;
import dev.pgcdc.replicator.pg.LagProbe;
import dev.pgcdc.replicator.pg.PgErrors;
import dev.pgcdc.replicator.pg.Prerequisites;
import dev.pgcdc.replicator.pg.Publication;
import dev.pgcdc.replicator.pg.ServerFacts;
import dev.pgcdc.replicator.pg.SlotState;
import dev.pgcdc.replicator.pg.Slots;
import dev.pgcdc.replicator.pgoutput.PgOutputFormatException;
import dev.pgcdc.replicator.pgoutput.UnknownRelationException;
import dev.pgcdc.replicator.position.PositionStore;
import dev.pgcdc.replicator.position.SnapshotState;
import dev.pgcdc.replicator.snapshot.Backfill;
import dev.pgcdc.replicator.snapshot.InitialSnapshot;
import dev.pgcdc.replicator.snapshot.SnapshotDecision;
import dev.pgcdc.replicator.snapshot.SnapshotProgress;
import dev.pgcdc.replicator.position.StartPosition;
import dev.pgcdc.replicator.value.BuiltinTypeCatalog;
import dev.pgcdc.replicator.value.ValueConverter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs replication sessions until stopped: each session checks the prerequisites, makes sure the
 * publication, slot and topics exist, decides the start position, and runs a {@link StreamLoop}.
 * A retriable failure (lost connection to PostgreSQL or Kafka) ends the session; the next one
 * starts after a jittered exponential backoff, from the confirmed position, and each attempt is
 * logged. A fatal failure ends {@link #run} with exit code 1.
 *
 * <p>Before streaming, a session may read the tables whole ({@code postgres.snapshot_mode}, see
 * {@link SnapshotDecision} and {@link InitialSnapshot}): a new slot is created with an exported
 * snapshot, the snapshot state is stored before the position (so a crash in between resumes the
 * snapshot rather than skipping it), every row is sent and acknowledged, and only then streaming
 * starts at the slot's consistent point. While streaming, on-demand backfills run in the stream
 * loop ({@link Backfill}).
 *
 * <p>Duplicates: after a crash, transactions after the last confirmed commit are sent again —
 * those in flight (sent, not yet acknowledged and persisted; at most about
 * {@code position_sync_interval} of acknowledged ones). Nothing committed is lost.
 *
 * <p>{@link #run} runs on the caller's thread (the stream thread); {@link #requestStop} may be
 * called from any thread, e.g. a signal handler.
 */
public final class Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final PgcdcConfig config;
    private final String version;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile long stopRequestedAt;
    private volatile Thread runner;
    private volatile boolean sessionStreamed;
    /** Set when the work is done without streaming ({@code initial_only}): {@link #run} returns 0. */
    private volatile boolean finished;
    private volatile SnapshotProgress snapshotProgress;
    private final ReplicatorMetrics metrics;
    private final Health health;

    public Replicator(PgcdcConfig config, String version, Clock clock) {
        this(config, version, clock, new ReplicatorMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                clock), new Health(clock));
    }

    /**
     * @param metrics where the replicator counts events, lag and snapshot progress
     * @param health the state {@code /health} reports; this replicator moves it
     */
    public Replicator(PgcdcConfig config, String version, Clock clock, ReplicatorMetrics metrics, Health health) {
        this.config = config;
        this.version = version;
        this.clock = clock;
        this.metrics = metrics;
        this.health = health;
    }

    /**
     * Streams until {@link #requestStop} or a fatal failure.
     *
     * @return the exit code: 0 after a requested stop, 1 after a fatal failure
     */
    public int run() {
        runner = Thread.currentThread();
        MDC.put(Logging.MDC_COMPONENT, "cdc-replicator");
        ReplicatorConfig settings = config.replicator();
        Backoff backoff = Backoff.exponential(settings.reconnectInitialBackoff(), settings.reconnectMaxBackoff());
        try (PositionStore store = PositionStore.open(settings.positionPath())) {
            int attempt = 0;
            while (!stopRequested && !finished) {
                try {
                    session(store);
                } catch (RetriableException e) {
                    if (stopRequested) {
                        LOG.info("stopped after: {}", e.getMessage());
                        return 0;
                    }
                    metrics.retry(KafkaErrors.isKafka(e) ? "kafka" : "postgres");
                    health.notReady("reconnecting after: " + e.getMessage());
                    attempt = sessionStreamed ? 1 : attempt + 1;
                    if (settings.reconnectMaxAttempts() > 0 && attempt > settings.reconnectMaxAttempts()) {
                        LOG.error("giving up after {} reconnection attempts: {}", attempt - 1, e.getMessage(), e);
                        return 1;
                    }
                    Duration delay = backoff.delay(attempt, ThreadLocalRandom.current().nextDouble());
                    LOG.warn("replication session failed: {}; reconnecting in {} ms (attempt {})", e.getMessage(),
                            delay.toMillis(), attempt);
                    LOG.debug("session failure", e);
                    sleep(delay);
                }
            }
            health.stopping(finished ? "finished" : "stopped");
            return 0;
        } catch (FatalException e) {
            LOG.error("{}", e.getMessage(), e.getCause());
            health.failed(e.getMessage());
            return 1;
        } finally {
            stopped.countDown();
        }
    }

    /** Asks {@link #run} to stop: stop reading, flush Kafka, persist and confirm, return 0. */
    public void requestStop() {
        if (!stopRequested) {
            stopRequestedAt = System.nanoTime();
            stopRequested = true;
            Thread thread = runner;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    /** The numbers of the latest snapshot of this process, or null when none ran. Callable from any thread. */
    public SnapshotProgress snapshotProgress() {
        return snapshotProgress;
    }

    /** Waits until {@link #run} returned; true if it did within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return true when the session reached streaming */
    private boolean session(PositionStore store) {
        sessionStreamed = false;
        PostgresConfig pg = config.postgres();
        KafkaConfig kafka = config.kafka();
        ReplicatorConfig settings = config.replicator();
        Connections connections = new Connections(pg);
        LOG.info("connecting to PostgreSQL {}:{}/{} as {}", pg.host(), pg.port(), pg.dbname(), pg.user());
        health.starting("connecting to PostgreSQL " + pg.host() + ":" + pg.port() + "/" + pg.dbname());
        try (Connection regular = connections.regular("pgcdc-replicator")) {
            ServerFacts facts = serverFacts(regular);
            SlotState slot = Slots.find(regular, pg.slotName(), facts.versionNum());
            Prerequisites.check(regular, pg, settings.statusInterval(), slot);
            Publication.ensure(regular, pg);
            PositionStore.StoredPosition stored = store.load().orElse(null);
            SnapshotState snapshot = store.loadSnapshot().orElse(null);
            Lsn currentWal = Slots.currentWal(regular);
            SnapshotMode mode = pg.snapshotMode();
            if (mode == SnapshotMode.WHEN_NEEDED && stored != null
                    && !SnapshotDecision.streamable(stored, slot, currentWal)) {
                LOG.warn("the stored position {} can no longer be streamed from slot {} ({}); snapshot_mode when_needed:"
                        + " starting over with a new snapshot", stored.lsn(), pg.slotName(), slot == null ? "missing"
                        : slot.lost() ? "invalidated" : "confirmed at " + slot.confirmedFlushLsn());
                if (slot != null && slot.lost()) {
                    Slots.drop(regular, pg.slotName());
                    slot = null;
                }
                store.clear();
                store.clearSnapshot();
                stored = null;
                snapshot = null;
            }
            SnapshotDecision.Action action = SnapshotDecision.decide(mode, stored, slot, snapshot);
            if (action == SnapshotDecision.Action.EXIT) {
                LOG.info("snapshot_mode initial_only: the snapshot is done (position {} stored); exiting", stored.lsn());
                finished = true;
                return false;
            }
            StartPosition start = StartPosition.decide(stored, slot, currentWal, pg.slotName(),
                    pg.dbname(), settings.positionPath().toAbsolutePath());
            if (slot != null && slot.active()) {
                Duration wait = facts.walSenderTimeout().isZero() ? Duration.ofSeconds(30)
                        : Duration.ofSeconds(Math.max(15, facts.walSenderTimeout().toSeconds() + 5));
                LOG.info("slot {} is still held by pid {}; waiting up to {} s for it to be released", pg.slotName(),
                        slot.activePid(), wait.toSeconds());
                Slots.awaitInactive(regular, pg.slotName(), facts.versionNum(), wait, clock);
            }
            Set<String> topics = new LinkedHashSet<>();
            for (TableConfig table : pg.tables()) {
                topics.add(kafka.topicFor(table.id()));
            }
            Topics.ensure(kafka, topics);
            if (stopRequested) {
                return false;
            }
            ValueConverter converter = new ValueConverter(
                    BuiltinTypeCatalog.INSTANCE.orElse(new JdbcTypeCatalog(regular, facts.versionNum())));
            ConvertedColumnTypes columnTypes = new ConvertedColumnTypes(converter);
            try (Connection replication = connections.replication();
                    EventProducer producer = newProducer(kafka);
                    LagProbe lag = LagProbe.start(connections, pg.slotName(), metrics, settings.statusInterval())) {
                Lsn startLsn = start.start();
                String exported = null;
                if (start.createSlot()) {
                    if (action == SnapshotDecision.Action.EXPORTED) {
                        Slots.CreatedSlot created = Slots.createExporting(replication, pg.slotName());
                        startLsn = created.consistentPoint();
                        exported = created.snapshotName();
                        LOG.info("created replication slot {} at {}, exported snapshot {}", pg.slotName(), startLsn,
                                exported);
                    } else {
                        startLsn = Slots.create(replication, pg.slotName());
                        LOG.info("created replication slot {} at {}", pg.slotName(), startLsn);
                    }
                }
                if (startLsn == null) {
                    startLsn = Slots.find(regular, pg.slotName(), facts.versionNum()).confirmedFlushLsn();
                }
                if (action == SnapshotDecision.Action.EXPORTED || action == SnapshotDecision.Action.FRESH) {
                    // Saved before the position: a crash in between then resumes this snapshot instead of skipping it.
                    snapshot = SnapshotState.start(startLsn, exported != null, pg.tableIds());
                    store.saveSnapshot(snapshot);
                }
                if (stored == null && startLsn != null) {
                    store.save(startLsn, pg.slotName());
                }
                if (action != SnapshotDecision.Action.NONE) {
                    SnapshotProgress progress = new SnapshotProgress(System::nanoTime, table -> metrics.snapshotTable(
                            table.id(), table::rowsDone, table::estimatedRows, table::chunks, table::chunksDone,
                            () -> table.isFinished() ? 1 : 0));
                    snapshotProgress = progress;
                    health.ready("snapshotting " + pg.tableIds() + " into Kafka");
                    InitialSnapshot reader = new InitialSnapshot(connections, pg, settings, producer, store,
                            columnTypes, version, clock, () -> stopRequested, progress);
                    if (reader.run(snapshot, exported) == null) {
                        return false;
                    }
                    if (mode == SnapshotMode.INITIAL_ONLY) {
                        LOG.info("snapshot_mode initial_only: snapshot done; exiting without streaming");
                        finished = true;
                        return false;
                    }
                }
                Lsn from = startLsn == null ? Lsn.ZERO : startLsn;
                PGReplicationStream stream = startStream(replication, pg, settings, facts, from);
                LOG.info("streaming from slot {} at {} (stored position {}, slot confirmed {}), publication {}, tables {}",
                        pg.slotName(), from, stored == null ? "none" : stored.lsn(),
                        slot == null ? "new" : slot.confirmedFlushLsn(), pg.publicationName(), pg.tableIds());
                sessionStreamed = true;
                health.ready("streaming from slot " + pg.slotName());
                TransactionAssembler assembler = new TransactionAssembler(pg.slotName(), pg.dbname(), version,
                        columnTypes, new CatalogTableKeys(regular, pg), new JdbcRowLookup(regular),
                        new EventSizeGuard(EventProducer.maxRequestBytes(config.kafka())), clock, start.skipBefore());
                try (Heartbeat heartbeat = Heartbeat.start(connections, settings.heartbeatInterval());
                        Backfill backfill = facts.supportsMessages()
                                ? new Backfill(connections, pg, settings, columnTypes, version, clock) : null) {
                    StreamLoop loop = new StreamLoop(stream, assembler, producer, new AckTracker(), store, pg.slotName(),
                            settings, from, () -> stopRequested, backfill, metrics);
                    try {
                        loop.run();
                        long deadline = stopRequestedAt + settings.shutdownTimeout().toNanos();
                        loop.drain(deadline);
                        if (assembler.skippedTransactions() > 0) {
                            LOG.info("skipped {} transactions already confirmed before", assembler.skippedTransactions());
                        }
                        return true;
                    } catch (RuntimeException | SQLException e) {
                        loop.salvage();
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw PgErrors.classify("PostgreSQL", e);
        } catch (UnknownRelationException e) {
            throw new RetriableException("stream out of step: " + e.getMessage(), e);
        } catch (PgOutputFormatException e) {
            throw new FatalException("cannot decode the pgoutput stream: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new FatalException(e.getMessage(), e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw KafkaErrors.classify("Kafka", e);
        }
    }

    private EventProducer newProducer(KafkaConfig kafka) {
        try {
            return new EventProducer(kafka, metrics);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw KafkaErrors.classify("creating the Kafka producer (check kafka.properties and kafka.producer)", e);
        }
    }

    private static PGReplicationStream startStream(Connection replication, PostgresConfig pg, ReplicatorConfig settings,
            ServerFacts facts, Lsn from) throws SQLException {
        ChainedLogicalStreamBuilder builder = replication.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream()
                .logical()
                .withSlotName(pg.slotName())
                .withStartPosition(LogSequenceNumber.valueOf(from.value()))
                .withSlotOption("proto_version", 1)
                // Quoted: pgoutput parses the list as identifiers and would fold upper case.
                .withSlotOption("publication_names", "\"" + pg.publicationName() + "\"")
                .withStatusInterval((int) settings.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                // On by default since pgjdbc 42.7.0: it would confirm keepalive positions past what Kafka holds.
                .withAutomaticFlush(false);
        if (facts.supportsMessages()) {
            builder = builder.withSlotOption("messages", true);
        }
        return builder.start();
    }

    private static ServerFacts serverFacts(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement(
                "SELECT current_setting('server_version_num')::int,"
                        + " (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_sender_timeout')");
                var rs = statement.executeQuery()) {
            rs.next();
            return new ServerFacts(rs.getInt(1), Duration.ofMillis(rs.getLong(2)));
        }
    }

    private void sleep(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        while (!stopRequested && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Math.min(deadline - System.nanoTime(),
                    TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }
}
