package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.CpuMeter;
import dev.pgcdc.bench.measure.ProcFs;
import dev.pgcdc.bench.report.Target;
import dev.pgcdc.bench.run.ChildProcess;
import dev.pgcdc.bench.workload.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * W5, memory: one transaction of many INSERTs (1,000,000 in the full run), streamed by a replicator
 * limited to {@code -Xmx256m}. It passes when every event is acknowledged in Kafka and the process
 * is still alive (the replicator never buffers a transaction, so the heap should not grow with it).
 */
final class W5BigTransaction {

    private static final String DB = "bench_w5";
    private static final String TABLE = "public.w5";
    private static final String PUBLICATION = "bench_w5_pub";

    private final Context ctx;

    W5BigTransaction(Context ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        int rows = ctx.scale.w5Rows();
        int runs = ctx.scale.runs();
        ctx.stack.postgres().createDatabase(DB);
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            Sql.execute(c, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2)"
                    + " NOT NULL, note text NOT NULL, created_at timestamptz NOT NULL)",
                    "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
            for (int r = 1; r <= runs; r++) {
                Sql.createSlot(c, "w5_" + r);
            }
            Sql.execute(c, "INSERT INTO " + TABLE + " SELECT i, 'name-' || i, (i % 100000) / 100.0,"
                    + " repeat(md5(i::text), 4), now() FROM generate_series(1, " + rows + ") AS i");
        }
        Runs rate = new Runs();
        Runs rss = new Runs();
        Runs passed = new Runs();
        for (int r = 1; r <= runs; r++) {
            int run = r;
            BenchMain.attempt(ctx, "W5 one " + rows + "-row transaction, -Xmx256m, run " + r,
                    () -> once(rows, run, rate, rss, passed));
        }
        String label = String.format("one %,d-row transaction, -Xmx256m", rows);
        if (!rate.isEmpty()) {
            ctx.results.add(rate.figure("w5.rate", "W5", label + ": events/s into Kafka", "events/s"));
            ctx.results.add(rss.figure("w5.peak_rss", "W5", label + ": replicator peak RSS", "MiB"));
        }
        ctx.results.add(passed.figure("w5.passed", "W5", label + ": passed (1 = all events in Kafka, no crash)", "runs"));
        ctx.results.target(Target.atLeast(label + " passes", "w5.passed", 1, "passes with -Xmx256m"));
    }

    private void once(int rows, int run, Runs rate, Runs rss, Runs passed) throws Exception {
        String slot = "w5_" + run;
        String topic = slot;
        ctx.kafka.createTopic(topic, 3, false);
        Path dir = ctx.work.resolve("w5/" + slot);
        Path config = ctx.replicatorConfig(DB, slot, PUBLICATION, List.of(TABLE), topic, dir, "never")
                .write(dir.resolve("config.yaml"));
        CpuMeter meter = ctx.meter();
        try (ChildProcess p = ctx.daemons.replicator(config, dir.resolve("replicator.log"), List.of("-Xmx256m"))) {
            meter.add("replicator", CpuMeter.tree(p.pid()), true);
            meter.add("walsender", ctx.walsenderPids(DB, slot), false);
            try {
                Context.Progress progress = Context.await("W5", () -> ctx.kafka.endOffsets(topic), rows, p, false,
                        Duration.ofSeconds(90), meter::start);
                CpuMeter.Usage usage = meter.stop();
                rate.add(progress.rate(), usage.describe());
                rss.add(ProcFs.peakRssKib(p.pid()) / 1024.0, "");
                passed.add(1, "");
            } catch (IllegalStateException e) {
                meter.stop();
                passed.add(0, e.getMessage().lines().findFirst().orElse(""));
                throw e;
            }
        } finally {
            try (Connection c = ctx.stack.postgres().connect(DB)) {
                Sql.dropSlot(c, slot);
            }
            ctx.kafka.deleteTopic(topic);
        }
    }
}
