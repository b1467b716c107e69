package dev.pgcdc.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.pgcdc.bench.measure.CpuMeter;
import dev.pgcdc.bench.measure.CommitTimeline;
import dev.pgcdc.bench.measure.Latencies;
import dev.pgcdc.bench.report.Target;
import dev.pgcdc.bench.run.ChildProcess;
import dev.pgcdc.bench.run.PipelineConfig;
import dev.pgcdc.bench.workload.Rows;
import dev.pgcdc.bench.workload.Sql;
import dev.pgcdc.bench.workload.SteadyWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * W2, steady load: the replicator and the sink run; a writer INSERTs at a fixed rate for a warm-up,
 * then for the measured seconds. Per event: commit → acknowledged in Kafka (the topic stamps records
 * with the broker's append time) and commit → indexed in Elasticsearch (the time the sink's committed
 * offset first covered the record, which it commits only after Elasticsearch acknowledged the bulk;
 * see {@link CommitTimeline}), both from the commit time in the event ({@code source.ts_ms},
 * millisecond resolution). Warm-up rows are left out.
 */
final class W2Steady {

    private static final String DB = "bench_w2";
    private static final String PUBLICATION = "bench_w2_pub";
    private static final JsonFactory JSON = new JsonFactory();

    private final Context ctx;

    W2Steady(Context ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        ctx.stack.postgres().createDatabase(DB);
        boolean sink = ctx.daemons.sinkAvailable();
        if (!sink) {
            ctx.results.notDone("W2 commit → indexed latency: es-sink/target/es-sink.jar is missing");
        }
        for (int rate : ctx.scale.w2Rates()) {
            Runs[] kafka = {new Runs(), new Runs(), new Runs(), new Runs()};
            Runs[] es = {new Runs(), new Runs(), new Runs(), new Runs()};
            Runs achieved = new Runs();
            for (int r = 1; r <= ctx.scale.runs(); r++) {
                int run = r;
                BenchMain.attempt(ctx, "W2 " + rate + "/s run " + r, () -> once(rate, run, sink, kafka, es, achieved));
            }
            String[] names = {"p50", "p95", "p99", "max"};
            for (int i = 0; i < 4; i++) {
                add(kafka[i], "w2." + rate + ".kafka." + names[i], rate + " events/s: commit → acked in Kafka, " + names[i]);
                add(es[i], "w2." + rate + ".es." + names[i], rate + " events/s: commit → indexed in Elasticsearch"
                        + " (sink committed), " + names[i]);
            }
            if (!achieved.isEmpty()) {
                ctx.results.add(achieved.figure("w2." + rate + ".achieved", "W2", rate + " events/s: rate the writer achieved",
                        "events/s"));
            }
        }
        int top = ctx.scale.w2Rates().get(ctx.scale.w2Rates().size() - 1);
        ctx.results.target(Target.atMost("end-to-end p99 at " + top + " events/s", "w2." + top + ".es.p99", 250,
                "p99 commit → indexed ≤ 250 ms" + (top == 10_000 ? "" : " (issue: at 10k events/s)")));
    }

    private void once(int rate, int run, boolean withSink, Runs[] kafka, Runs[] es, Runs achieved) throws Exception {
        String name = "w2_" + rate + "_" + run;
        String table = "public." + name;
        String topic = name;
        String prefix = name + "_";
        String index = prefix + "public_" + name;
        Path dir = ctx.work.resolve("w2/" + name);
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            Sql.execute(c, "CREATE TABLE " + table + " " + Rows.DDL,
                    "DROP PUBLICATION IF EXISTS " + PUBLICATION, "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + table);
        }
        ctx.kafka.createTopic(topic, 3, true);
        Path repConfig = ctx.replicatorConfig(DB, name, PUBLICATION, List.of(table), topic, dir, "never")
                .write(dir.resolve("replicator.yaml"));
        PipelineConfig sinkSettings = ctx.sinkConfig(topic, name, prefix, dir);
        Path sinkConfig = sinkSettings.write(dir.resolve("sink.yaml"));
        try (ChildProcess replicator = ctx.daemons.replicator(repConfig, dir.resolve("replicator.log"), List.of());
             ChildProcess sink = withSink ? ctx.daemons.sink(sinkConfig, dir.resolve("sink.log")) : null;
             CommitTimeline timeline = withSink ? new CommitTimeline(ctx.kafka, name, topic) : null;
             Connection c = ctx.stack.postgres().connect(DB)) {
            // Rows written before the replicator created its slot would never be streamed: wait for its walsender.
            Context.await("W2 replicator streaming", () -> ctx.walsender(DB, name).size(), 1, replicator, false,
                    Duration.ofSeconds(120), null);
            // One row at a time until one is through: the replicator streams, the sink commits.
            long id = 1;
            long warmupDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                id += SteadyWriter.write(c, table, id, 10, 0.1);
                if (ctx.kafka.endOffsets(topic) > 0 && (sink == null || committed(name, topic) > 0)) {
                    break;
                }
                replicator.requireAlive();
                if (sink != null) {
                    sink.requireAlive();
                }
                if (System.nanoTime() > warmupDeadline) {
                    throw new IllegalStateException("the pipeline did not deliver a first event within 120 s");
                }
                Thread.sleep(500);
            }
            id += SteadyWriter.write(c, table, id, rate, ctx.scale.w2WarmupSeconds());
            long firstMeasured = id;
            CpuMeter meter = ctx.meter();
            meter.add("replicator", CpuMeter.tree(replicator.pid()), true);
            if (sink != null) {
                meter.add("es-sink", CpuMeter.tree(sink.pid()), true);
            }
            meter.add("walsender", ctx.walsenderPids(DB, name), false);
            meter.start();
            long start = System.nanoTime();
            long written = SteadyWriter.write(c, table, id, rate, ctx.scale.w2Seconds());
            double seconds = (System.nanoTime() - start) / 1e9;
            CpuMeter.Usage usage = meter.stop();
            id += written;
            long total = id - 1;
            achieved.add(written / seconds, usage.describe());
            Context.await("W2 Kafka", () -> ctx.kafka.endOffsets(topic), total, replicator, false,
                    Duration.ofSeconds(60), null);
            if (sink != null) {
                Context.await("W2 sink", () -> committed(name, topic), total, sink, false, Duration.ofSeconds(60), null,
                        Duration.ofSeconds(240));
                long docs = ctx.es.count(index);
                if (docs != total) {
                    throw new IllegalStateException("the sink committed every offset but " + index + " holds " + docs
                            + " documents, not " + total);
                }
                // Slow bulk requests and Elasticsearch's refreshes and merges explain the tail of commit → indexed.
                ctx.results.note("W2 at " + rate + " events/s run " + run + ": " + SinkNotes.bulkRequests(
                        (Integer) sinkSettings.get("metrics", "sink_port")) + "; " + SinkNotes.esWork(ctx, index));
            }
            Latencies toKafka = new Latencies();
            Latencies toEs = new Latencies();
            ctx.kafka.readAll(topic, record -> {
                long[] idAndCommit = idAndCommitTime(record.value());
                if (idAndCommit[0] >= firstMeasured) {
                    toKafka.add(record.timestamp() - idAndCommit[1]);
                    long indexed = timeline == null ? -1 : timeline.committedAt(record.partition(), record.offset());
                    if (indexed > 0) {
                        toEs.add(indexed - idAndCommit[1]);
                    }
                }
            });
            record(kafka, toKafka, usage.describe());
            record(es, toEs, usage.describe());
            if (run == 1) {
                ctx.plot.add("commit → Kafka at " + rate + "/s", toKafka.sortedSamples());
                ctx.plot.add("commit → indexed at " + rate + "/s", toEs.sortedSamples());
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
            return 0; // no group before its first commit
        }
    }

    private static void record(Runs[] runs, Latencies latencies, String limit) {
        Latencies.Summary s = latencies.summary();
        if (s == null) {
            return;
        }
        runs[0].add(s.p50(), limit);
        runs[1].add(s.p95(), limit);
        runs[2].add(s.p99(), limit);
        runs[3].add(s.max(), limit);
    }

    /** Record append time minus source.ts_ms, for rows with id ≥ firstMeasured. */
    /** {after.id, source.ts_ms} read with a streaming parser (no tree per event). */
    static long[] idAndCommitTime(byte[] value) {
        long id = -1;
        long commit = -1;
        try (JsonParser parser = JSON.createParser(value)) {
            String section = null;
            int depth = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    if (depth == 1) {
                        section = field;
                    } else if (depth == 2 && "after".equals(section) && "id".equals(field)) {
                        parser.nextToken();
                        id = parser.getLongValue();
                    } else if (depth == 2 && "source".equals(section) && "ts_ms".equals(field)) {
                        parser.nextToken();
                        commit = parser.getLongValue();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("not a change event: " + e.getMessage(), e);
        }
        return new long[] {id, commit};
    }

    private void add(Runs runs, String id, String name) {
        if (!runs.isEmpty()) {
            ctx.results.add(runs.figure(id, "W2", name, "ms"));
        }
    }
}
