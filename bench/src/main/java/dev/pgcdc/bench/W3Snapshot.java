package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.CpuMeter;
import dev.pgcdc.bench.report.Target;
import dev.pgcdc.bench.run.ChildProcess;
import dev.pgcdc.bench.workload.Sql;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * W3, snapshot: a table of ~200-byte rows read whole. Baseline: {@code COPY (SELECT * FROM t) TO
 * STDOUT} into a byte counter, the fastest way PostgreSQL hands out a table. Measured: the replicator
 * with {@code snapshot_mode: initial_only} and 1, 2, 4 snapshot workers, until the last row is
 * acknowledged in Kafka.
 */
final class W3Snapshot {

    private static final String DB = "bench_w3";
    private static final String TABLE = "public.w3";
    private static final String PUBLICATION = "bench_w3_pub";

    private final Context ctx;

    W3Snapshot(Context ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        int rows = ctx.scale.w3Rows();
        ctx.stack.postgres().createDatabase(DB);
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            long start = System.nanoTime();
            Sql.execute(c, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2)"
                            + " NOT NULL, note text NOT NULL, created_at timestamptz NOT NULL)",
                    "INSERT INTO " + TABLE + " SELECT i, 'name-' || i, (i % 100000) / 100.0, repeat(md5(i::text), 4),"
                            + " now() FROM generate_series(1, " + rows + ") AS i",
                    "VACUUM ANALYZE " + TABLE,
                    "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
            ctx.results.note(String.format("W3 table: %,d rows, average %s bytes per row, %s, filled in %.1f s", rows,
                    Sql.string(c, "SELECT round(avg(pg_column_size(w3.*))) FROM " + TABLE),
                    Sql.string(c, "SELECT pg_size_pretty(pg_table_size('" + TABLE + "'))"),
                    (System.nanoTime() - start) / 1e9));
        }
        Runs copy = new Runs();
        for (int r = 1; r <= ctx.scale.runs(); r++) {
            BenchMain.attempt(ctx, "W3 COPY run " + r, () -> copy(rows, copy));
        }
        if (!copy.isEmpty()) {
            ctx.results.add(copy.figure("w3.copy.rate", "W3", "COPY (SELECT * FROM w3) TO STDOUT, rows/s", "rows/s"));
        }
        if (!ctx.daemons.replicatorSupportsSnapshots()) {
            ctx.results.notDone("W3 replicator snapshot: the replicator jar has no snapshot support yet"
                    + " (postgres.snapshot_mode); only the COPY baseline was measured");
            return;
        }
        String best = null;
        for (int workers : ctx.scale.w3Workers()) {
            Runs rate = new Runs();
            for (int r = 1; r <= ctx.scale.runs(); r++) {
                int run = r;
                BenchMain.attempt(ctx, "W3 snapshot " + workers + " workers run " + r,
                        () -> snapshot(rows, workers, run, rate));
            }
            if (!rate.isEmpty()) {
                String id = "w3.snapshot." + workers + ".rate";
                ctx.results.add(rate.figure(id, "W3", "replicator snapshot → Kafka, " + workers + " worker(s), rows/s",
                        "rows/s"));
                best = id;
            }
        }
        int top = ctx.scale.w3Workers().get(ctx.scale.w3Workers().size() - 1);
        ctx.results.target(Target.atLeast("snapshot rows/s, " + top + " workers", "w3.snapshot." + top + ".rate",
                100_000, "≥ 100,000 rows/s"));
        ctx.results.target(Target.ratioAtLeast("snapshot vs COPY, " + top + " workers (informational)",
                "w3.snapshot." + top + ".rate", "w3.copy.rate", 0, "ratio to COPY"));
    }

    private void copy(int rows, Runs runs) throws Exception {
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            CpuMeter meter = ctx.meter();
            meter.start();
            long[] bytes = {0};
            long start = System.nanoTime();
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyOut(
                    "COPY (SELECT * FROM " + TABLE + ") TO STDOUT", new OutputStream() {
                        @Override
                        public void write(int b) {
                            bytes[0]++;
                        }

                        @Override
                        public void write(byte[] b, int off, int len) {
                            bytes[0] += len;
                        }
                    });
            double seconds = (System.nanoTime() - start) / 1e9;
            CpuMeter.Usage usage = meter.stop();
            if (copied != rows) {
                throw new IllegalStateException("COPY returned " + copied + " rows, expected " + rows);
            }
            runs.add(rows / seconds, usage.describe());
        }
    }

    private void snapshot(int rows, int workers, int run, Runs rate) throws Exception {
        String name = "w3_" + workers + "_" + run;
        ctx.kafka.createTopic(name, 3, false);
        Path dir = ctx.work.resolve("w3/" + name);
        Path config = ctx.replicatorConfig(DB, name, PUBLICATION, List.of(TABLE), name, dir, "initial_only")
                .set("replicator", "snapshot_workers", workers)
                .write(dir.resolve("config.yaml"));
        CpuMeter meter = ctx.meter();
        try (ChildProcess p = ctx.daemons.replicator(config, dir.resolve("replicator.log"), List.of())) {
            meter.add("replicator", CpuMeter.tree(p.pid()), true);
            Context.Progress progress = Context.await("W3 snapshot", () -> ctx.kafka.endOffsets(name), rows, p, true,
                    Duration.ofSeconds(90), meter::start);
            CpuMeter.Usage usage = meter.stop();
            rate.add(progress.rate(), usage.describe());
        } finally {
            try (Connection c = ctx.stack.postgres().connect(DB)) {
                Sql.dropSlot(c, name);
            }
            ctx.kafka.deleteTopic(name);
        }
    }
}
