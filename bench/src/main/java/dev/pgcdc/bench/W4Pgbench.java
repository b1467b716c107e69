package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.CpuMeter;
import dev.pgcdc.bench.measure.CommitTimeline;
import dev.pgcdc.bench.measure.Latencies;
import dev.pgcdc.bench.run.ChildProcess;
import dev.pgcdc.bench.workload.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W4, a real workload: {@code pgbench -i -s N}, then {@code pgbench -T S -c 4 -j 2} (TPC-B-like: three
 * UPDATEs and one INSERT per transaction) once without the pipeline (the baseline TPS) and once with the
 * replicator and the sink running, end to end. Measured: TPS with and without, events/s delivered,
 * commit → Kafka and commit → indexed (sink committed) latency over all events, and how long after
 * pgbench ends the last event is acknowledged in Kafka and committed by the sink.
 */
final class W4Pgbench {

    private static final String DB = "bench_w4";
    private static final String PUBLICATION = "bench_w4_pub";
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final List<String> TABLES = List.of("public.pgbench_accounts", "public.pgbench_branches",
            "public.pgbench_tellers", "public.pgbench_history");

    private final Context ctx;

    W4Pgbench(Context ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        ctx.stack.postgres().createDatabase(DB);
        ChildProcess init = pgbench("init", List.of("-i", "-s", Integer.toString(ctx.scale.w4Scale()), "-q"));
        Integer code = init.await(Duration.ofMinutes(10));
        if (code == null || code != 0) {
            throw new IllegalStateException("pgbench -i failed:\n" + init.logTail(10));
        }
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            Sql.execute(c, "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + String.join(", ", TABLES));
        }
        Runs alone = new Runs();
        Runs with = new Runs();
        Runs delivered = new Runs();
        Runs kafkaP50 = new Runs();
        Runs kafkaP99 = new Runs();
        Runs esP50 = new Runs();
        Runs esP99 = new Runs();
        Runs kafkaLag = new Runs();
        Runs esLag = new Runs();
        for (int r = 1; r <= ctx.scale.runs(); r++) {
            int run = r;
            BenchMain.attempt(ctx, "W4 pgbench alone run " + r, () -> alone.add(bench(run, "alone")[0], ""));
            BenchMain.attempt(ctx, "W4 pgbench with the pipeline run " + r, () -> pipeline(run, with, delivered,
                    kafkaP50, kafkaP99, esP50, esP99, kafkaLag, esLag));
        }
        String s = "pgbench -s " + ctx.scale.w4Scale() + " -c 4 -T " + ctx.scale.w4Seconds();
        add(alone, "w4.tps.alone", s + ": TPS without CDC", "tx/s");
        add(with, "w4.tps.with_cdc", s + ": TPS with replicator + sink running", "tx/s");
        add(delivered, "w4.events_per_s", s + ": change events into Kafka per second of pgbench", "events/s");
        add(kafkaP50, "w4.kafka.p50", s + ": commit → acked in Kafka, p50", "ms");
        add(kafkaP99, "w4.kafka.p99", s + ": commit → acked in Kafka, p99", "ms");
        add(esP50, "w4.es.p50", s + ": commit → indexed (sink committed), p50", "ms");
        add(esP99, "w4.es.p99", s + ": commit → indexed (sink committed), p99", "ms");
        add(kafkaLag, "w4.kafka.drain", s + ": last event acked in Kafka after pgbench ended", "s");
        add(esLag, "w4.es.drain", s + ": sink committed the last event after pgbench ended", "s");
        ctx.results.target(dev.pgcdc.bench.report.Target.ratioAtLeast("pgbench TPS with CDC vs without (informational)",
                "w4.tps.with_cdc", "w4.tps.alone", 0, "ratio, same machine"));
    }

    private void pipeline(int run, Runs tps, Runs delivered, Runs kafkaP50, Runs kafkaP99, Runs esP50, Runs esP99,
                          Runs kafkaLag, Runs esLag) throws Exception {
        String name = "w4_" + run;
        String prefix = name + "_";
        Path dir = ctx.work.resolve("w4/" + name);
        ctx.kafka.createTopic(name, 3, true);
        List<Object> tables = new ArrayList<>(TABLES.subList(0, 3));
        Map<String, Object> historyTable = new LinkedHashMap<>();
        historyTable.put("name", "public.pgbench_history");
        historyTable.put("key_columns", List.of("tid", "bid", "aid", "delta", "mtime"));
        tables.add(historyTable);
        Path repConfig = ctx.replicatorConfig(DB, name, PUBLICATION, tables, name, dir, "never")
                .write(dir.resolve("replicator.yaml"));
        Path sinkConfig = ctx.sinkConfig(name, name, prefix, dir).write(dir.resolve("sink.yaml"));
        boolean withSink = ctx.daemons.sinkAvailable();
        try (ChildProcess replicator = ctx.daemons.replicator(repConfig, dir.resolve("replicator.log"), List.of());
             ChildProcess sink = withSink ? ctx.daemons.sink(sinkConfig, dir.resolve("sink.log")) : null;
             CommitTimeline timeline = withSink ? new CommitTimeline(ctx.kafka, name, name) : null) {
            Context.await("W4 replicator streaming", () -> ctx.walsender(DB, name).size(), 1, replicator, false,
                    Duration.ofSeconds(60), null);
            CpuMeter meter = ctx.meter();
            meter.add("replicator", CpuMeter.tree(replicator.pid()), true);
            if (sink != null) {
                meter.add("es-sink", CpuMeter.tree(sink.pid()), true);
            }
            meter.add("walsender", ctx.walsenderPids(DB, name), false);
            meter.start();
            double[] result = bench(run, "cdc");
            long ended = System.nanoTime();
            CpuMeter.Usage usage = meter.stop();
            long events = 4 * (long) result[1];
            tps.add(result[0], usage.describe());
            Context.Progress kafka = Context.await("W4 Kafka", () -> ctx.kafka.endOffsets(name), events, replicator,
                    false, Duration.ofSeconds(90), null);
            kafkaLag.add((kafka.doneNanos() - ended) / 1e9, "");
            delivered.add(events / ctx.scale.w4Seconds(), usage.describe());
            if (sink != null) {
                Context.Progress es = Context.await("W4 sink", () -> committed(name, name), events, sink, false,
                        Duration.ofSeconds(90), null, Duration.ofSeconds(300));
                esLag.add((es.doneNanos() - ended) / 1e9, "");
            }
            Latencies toKafka = new Latencies();
            Latencies toEs = new Latencies();
            ctx.kafka.readAll(name, record -> {
                long commit = W2Steady.idAndCommitTime(record.value())[1];
                toKafka.add(record.timestamp() - commit);
                long indexed = timeline == null ? -1 : timeline.committedAt(record.partition(), record.offset());
                if (indexed > 0) {
                    toEs.add(indexed - commit);
                }
            });
            Latencies.Summary k = toKafka.summary();
            kafkaP50.add(k.p50(), usage.describe());
            kafkaP99.add(k.p99(), usage.describe());
            Latencies.Summary e = toEs.summary();
            if (e != null) {
                esP50.add(e.p50(), usage.describe());
                esP99.add(e.p99(), usage.describe());
            }
            if (run == 1) {
                ctx.plot.add("W4 pgbench: commit → Kafka", toKafka.sortedSamples());
                ctx.plot.add("W4 pgbench: commit → indexed", toEs.sortedSamples());
            }
        } finally {
            try (Connection c = ctx.stack.postgres().connect(DB)) {
                Sql.dropSlot(c, name);
            }
        }
    }

    private long committed(String group, String topic) {
        try {
            return ctx.kafka.committed(group, topic);
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** Runs pgbench for the configured time; returns {tps, transactions}. */
    private double[] bench(int run, String kind) throws Exception {
        ChildProcess p = pgbench(kind + "-" + run, List.of("-c", "4", "-j", "2", "-T",
                Integer.toString(ctx.scale.w4Seconds())));
        Integer code = p.await(Duration.ofSeconds(ctx.scale.w4Seconds() + 300L));
        if (code == null || code != 0) {
            p.close();
            throw new IllegalStateException("pgbench failed:\n" + p.logTail(10));
        }
        String output = Files.readString(p.log());
        Matcher tps = TPS.matcher(output);
        Matcher processed = PROCESSED.matcher(output);
        if (!tps.find() || !processed.find()) {
            throw new IllegalStateException("cannot read pgbench's output:\n" + p.logTail(10));
        }
        return new double[] {Double.parseDouble(tps.group(1)), Double.parseDouble(processed.group(1))};
    }

    private ChildProcess pgbench(String label, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(ctx.stack.postgres().binDir().resolve("pgbench").toString(),
                "-h", ctx.stack.postgres().host(), "-p", Integer.toString(ctx.stack.postgres().port()),
                "-U", ctx.stack.postgres().superuser()));
        command.addAll(arguments);
        command.add(DB);
        return ChildProcess.start("pgbench", command, Map.of("PGPASSWORD", ctx.stack.postgres().password()),
                ctx.work.resolve("w4/pgbench-" + label + ".log"));
    }

    private void add(Runs runs, String id, String name, String unit) {
        if (!runs.isEmpty()) {
            ctx.results.add(runs.figure(id, "W4", name, unit));
        }
    }
}
