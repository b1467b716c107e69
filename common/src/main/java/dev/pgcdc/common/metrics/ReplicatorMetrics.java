package dev.pgcdc.common.metrics;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Op;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The replicator's meters. Prometheus names:
 * <ul>
 *   <li>{@code pgcdc_replicator_events_total{table,op}}: change events Kafka acknowledged;</li>
 *   <li>{@code pgcdc_replicator_transactions_total}: transactions whose events Kafka acknowledged;</li>
 *   <li>{@code pgcdc_replicator_kafka_send_seconds}: from send to Kafka's acknowledgement (histogram);</li>
 *   <li>{@code pgcdc_replicator_lag_bytes}: WAL the slot retains, {@code pg_current_wal_lsn()} minus
 *       the slot's {@code confirmed_flush_lsn} (polled);</li>
 *   <li>{@code pgcdc_replicator_lag_seconds}: how far behind the last processed commit was when it
 *       was processed (now minus its commit time; constant while idle, like Debezium's
 *       {@code MilliSecondsBehindSource});</li>
 *   <li>{@code pgcdc_replicator_confirmed_lsn}: the last LSN confirmed to PostgreSQL;</li>
 *   <li>{@code pgcdc_replicator_retries_total{cause}}: reconnects and other retries;</li>
 *   <li>{@code pgcdc_replicator_snapshot_rows{table}}, {@code pgcdc_replicator_snapshot_rows_estimated{table}},
 *       {@code pgcdc_replicator_snapshot_chunks{table}}, {@code pgcdc_replicator_snapshot_chunks_done{table}},
 *       {@code pgcdc_replicator_snapshot_finished{table}} (1 when done): snapshot progress.</li>
 * </ul>
 * Thread-safe; {@link #sent} is cheap enough for Kafka's callback thread.
 */
public final class ReplicatorMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<TableId, SnapshotTable> snapshotTables = new ConcurrentHashMap<>();
    // Per table, one counter per Op (by ordinal), filled in on first use: no key object per event.
    private final Map<TableId, AtomicReferenceArray<Counter>> events = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Counter transactions;
    private final Timer kafkaSend;
    private final AtomicLong lagBytes = new AtomicLong(-1);
    private final AtomicLong lagMillis = new AtomicLong();
    private final AtomicLong confirmedLsn = new AtomicLong();

    public ReplicatorMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        transactions = Counter.builder("pgcdc.replicator.transactions")
                .description("Transactions read from the replication stream")
                .register(registry);
        kafkaSend = Timer.builder("pgcdc.replicator.kafka.send")
                .description("Time from handing an event to the Kafka producer to its acknowledgement")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry);
        Gauge.builder("pgcdc.replicator.lag", lagBytes, AtomicLong::get)
                .description("WAL retained by the slot: pg_current_wal_lsn() - confirmed_flush_lsn (-1 until known)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("pgcdc.replicator.lag.seconds", lagMillis, millis -> millis.get() / 1000.0)
                .description("Now minus the commit time of the last transaction processed, when it was processed")
                .register(registry);
        Gauge.builder("pgcdc.replicator.confirmed.lsn", confirmedLsn, AtomicLong::get)
                .description("The last LSN confirmed to PostgreSQL (flushed), as a number")
                .register(registry);
    }

    /** An event Kafka acknowledged; {@code sendNanos} the time from send to acknowledgement. */
    public void sent(TableId table, Op op, long sendNanos) {
        AtomicReferenceArray<Counter> byOp = events.get(table);
        if (byOp == null) {
            byOp = events.computeIfAbsent(table, t -> new AtomicReferenceArray<>(Op.values().length));
        }
        Counter counter = byOp.get(op.ordinal());
        if (counter == null) {
            // Two threads may both register: the registry returns the one meter of this name and tags.
            counter = Counter.builder("pgcdc.replicator.events")
                    .description("Change events written to Kafka (acknowledged), by table and operation")
                    .tags(Tags.of("table", table.toString(), "op", SinkMetrics.opLabel(op)))
                    .register(registry);
            byOp.set(op.ordinal(), counter);
        }
        counter.increment();
        if (sendNanos >= 0) {
            kafkaSend.record(sendNanos, TimeUnit.NANOSECONDS);
        }
    }

    public void transaction() {
        transactions.increment();
    }

    /** A processed commit, with its commit time (epoch milliseconds). */
    public void commitProcessed(long commitTimeMs) {
        lagMillis.set(Math.max(0, clock.millis() - commitTimeMs));
    }

    public void lagBytes(long bytes) {
        lagBytes.set(bytes);
    }

    public void confirmed(long lsn) {
        confirmedLsn.set(lsn);
    }

    /** A retry; {@code cause} is a short label such as {@code postgres} or {@code kafka}. */
    public void retry(String cause) {
        retries.computeIfAbsent(cause, c -> Counter.builder("pgcdc.replicator.retries")
                .description("Reconnects and other retries, by what failed")
                .tag("cause", c)
                .register(registry)).increment();
    }

    /**
     * Exposes a snapshotted table's progress; the suppliers are read at every scrape, from the
     * HTTP thread. A later snapshot of the same table replaces the suppliers.
     */
    public void snapshotTable(TableId table, LongSupplier rowsDone, LongSupplier estimatedRows, LongSupplier chunks,
            LongSupplier chunksDone, LongSupplier finished) {
        SnapshotTable holder = snapshotTables.computeIfAbsent(table, id -> {
            SnapshotTable created = new SnapshotTable();
            Tags tags = Tags.of("table", id.toString());
            Gauge.builder("pgcdc.replicator.snapshot.rows", created, h -> h.rowsDone.getAsLong())
                    .description("Rows of the table the snapshot has sent").tags(tags).register(registry);
            Gauge.builder("pgcdc.replicator.snapshot.rows.estimated", created, h -> h.estimatedRows.getAsLong())
                    .description("Rows PostgreSQL estimates the table holds (pg_class.reltuples)").tags(tags)
                    .register(registry);
            Gauge.builder("pgcdc.replicator.snapshot.chunks", created, h -> h.chunks.getAsLong())
                    .description("Key-range chunks the table's snapshot is split into").tags(tags).register(registry);
            Gauge.builder("pgcdc.replicator.snapshot.chunks.done", created, h -> h.chunksDone.getAsLong())
                    .description("Chunks of the table the snapshot has finished").tags(tags).register(registry);
            Gauge.builder("pgcdc.replicator.snapshot.finished", created, h -> h.finished.getAsLong())
                    .description("1 once the table's snapshot is done").tags(tags).register(registry);
            return created;
        });
        holder.rowsDone = rowsDone;
        holder.estimatedRows = estimatedRows;
        holder.chunks = chunks;
        holder.chunksDone = chunksDone;
        holder.finished = finished;
    }

    /** The current suppliers of one table's snapshot gauges. */
    private static final class SnapshotTable {
        volatile LongSupplier rowsDone = () -> 0;
        volatile LongSupplier estimatedRows = () -> 0;
        volatile LongSupplier chunks = () -> 0;
        volatile LongSupplier chunksDone = () -> 0;
        volatile LongSupplier finished = () -> 0;
    }
}
