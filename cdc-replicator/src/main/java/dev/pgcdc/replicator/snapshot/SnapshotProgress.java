package dev.pgcdc.replicator.snapshot;

import dev.pgcdc.common.config.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Live numbers of a snapshot, per table: rows sent, the estimate from {@code pg_class.reltuples},
 * rows per second and the estimated time left. Meant for the log lines and for metrics: every
 * reader method may be called from any thread while workers count rows.
 *
 * <p>Rates count only rows read in this run (a resumed snapshot starts its clock again); rows done
 * include those of chunks finished before a restart.
 */
public final class SnapshotProgress {

    private final LongSupplier nanoTime;
    private final java.util.function.Consumer<Table> onAdd;
    private final Map<TableId, Table> tables = new LinkedHashMap<>();

    /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests) */
    public SnapshotProgress(LongSupplier nanoTime) {
        this(nanoTime, table -> { });
    }

    /** @param onAdd told about each table as it is added (e.g. to expose it as metrics); called by {@link #add} */
    public SnapshotProgress(LongSupplier nanoTime, java.util.function.Consumer<Table> onAdd) {
        this.nanoTime = nanoTime;
        this.onAdd = onAdd;
    }

    /** Registers a table before its rows are counted. Not thread-safe: call before workers start. */
    public Table add(TableId id, long estimatedRows, long rowsAlreadyDone, int chunks) {
        Table table = new Table(id, estimatedRows, rowsAlreadyDone, chunks);
        tables.put(id, table);
        onAdd.accept(table);
        return table;
    }

    public List<Table> tables() {
        return new ArrayList<>(tables.values());
    }

    public Optional<Table> table(TableId id) {
        return Optional.ofNullable(tables.get(id));
    }

    /** Rows per second: {@code rows} over {@code elapsedNanos}; 0 when no time has passed. */
    public static double rate(long rows, long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : rows * 1e9 / elapsedNanos;
    }

    /**
     * The time left at {@code rowsPerSecond} for the rows between {@code done} and
     * {@code estimated}; empty when the rate is 0 or the estimate unknown (0). Once more rows were
     * read than estimated (the estimate is stale), the time left is 0.
     */
    public static Optional<Duration> eta(long done, long estimated, double rowsPerSecond) {
        if (estimated <= 0 || rowsPerSecond <= 0) {
            return Optional.empty();
        }
        long left = Math.max(0, estimated - done);
        return Optional.of(Duration.ofMillis((long) Math.ceil(left * 1000 / rowsPerSecond)));
    }

    /** Percentage of the estimate done, capped at 100; 0 when the estimate is unknown. */
    public static double percent(long done, long estimated) {
        return estimated <= 0 ? 0 : Math.min(100.0, done * 100.0 / estimated);
    }

    /** One table's counters. Counting methods are called by workers; readers from any thread. */
    public final class Table {
        private final TableId id;
        private final long estimatedRows;
        private final long rowsBefore;
        private final int chunks;
        private final AtomicLong rows = new AtomicLong();
        private final AtomicLong chunksDone = new AtomicLong();
        private final long startNanos;
        private volatile long endNanos;

        private Table(TableId id, long estimatedRows, long rowsBefore, int chunks) {
            this.id = id;
            this.estimatedRows = estimatedRows;
            this.rowsBefore = rowsBefore;
            this.chunks = chunks;
            this.startNanos = nanoTime.getAsLong();
        }

        public void rowSent() {
            rows.incrementAndGet();
        }

        public void chunkDone() {
            chunksDone.incrementAndGet();
        }

        public void finished() {
            endNanos = nanoTime.getAsLong();
        }

        public TableId id() {
            return id;
        }

        public long estimatedRows() {
            return estimatedRows;
        }

        /** Rows sent, including those of chunks finished before a restart. */
        public long rowsDone() {
            return rowsBefore + rows.get();
        }

        public int chunks() {
            return chunks;
        }

        public long chunksDone() {
            return chunksDone.get();
        }

        public boolean isFinished() {
            return endNanos != 0;
        }

        public Duration elapsed() {
            long end = endNanos != 0 ? endNanos : nanoTime.getAsLong();
            return Duration.ofNanos(end - startNanos);
        }

        /** Rows per second read in this run. */
        public double rowsPerSecond() {
            return rate(rows.get(), elapsed().toNanos());
        }

        public Optional<Duration> eta() {
            return isFinished() ? Optional.of(Duration.ZERO) : SnapshotProgress.eta(rowsDone(), estimatedRows,
                    rowsPerSecond());
        }

        /** The progress log line. */
        public String describe() {
            return String.format("snapshot of %s: %,d of ~%,d rows (%.0f%%), %d/%d chunks, %,.0f rows/s, ETA %s", id,
                    rowsDone(), estimatedRows, percent(rowsDone(), estimatedRows), chunksDone(), chunks,
                    rowsPerSecond(), eta().map(SnapshotProgress::format).orElse("unknown"));
        }

        /** The summary line written once when the table is done. */
        public String summary() {
            return String.format("snapshot of %s done: %,d rows in %s (%,.0f rows/s, %d chunks)", id, rowsDone(),
                    format(elapsed()), rowsPerSecond(), chunks);
        }
    }

    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return String.format("%.1f s", duration.toMillis() / 1000.0);
        }
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
