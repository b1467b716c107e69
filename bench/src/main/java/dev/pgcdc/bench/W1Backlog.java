package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.CpuMeter;
import dev.pgcdc.bench.measure.ProcFs;
import dev.pgcdc.bench.report.Target;
import dev.pgcdc.bench.run.ChildProcess;
import dev.pgcdc.bench.run.Daemons;
import dev.pgcdc.bench.run.PipelineConfig;
import dev.pgcdc.bench.workload.Backlog;
import dev.pgcdc.bench.workload.Rows;
import dev.pgcdc.bench.workload.Sql;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.index.IndexNames;
import dev.pgcdc.sink.index.Plan;
import dev.pgcdc.sink.index.Write;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * W1, the backlog: one backlog of INSERTs then UPDATEs is written once, after one logical slot per
 * measured run was created, so every run (replicator, pg_recvlogical, Debezium, in turn, reversed in
 * even repetitions: {@link RunOrder}) drains the very same WAL from its own slot. Then the sink drains
 * the replicator's topic into Elasticsearch, and the raw-bulk baseline indexes the same documents with
 * the same bulk size.
 */
final class W1Backlog {

    private static final String DB = "bench_w1";
    private static final String TABLE = "public.w1";
    private static final String PUBLICATION = "bench_w1_pub";
    private static final Duration STALL = Duration.ofSeconds(90);

    private final Context ctx;
    private long events;
    private String endLsn;
    private String sinkIndexOfRun1;

    W1Backlog(Context ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        int runs = ctx.scale.runs();
        ctx.stack.postgres().createDatabase(DB);
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            Sql.execute(c, "CREATE TABLE " + TABLE + " " + Rows.DDL, "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
            for (int r = 1; r <= runs; r++) {
                for (String kind : kinds()) {
                    Sql.createSlot(c, slot(kind, r));
                }
            }
            long started = System.nanoTime();
            events = Backlog.write(c, TABLE, ctx.scale.w1Rows(), ctx.scale.w1Tx());
            endLsn = Sql.string(c, "SELECT pg_current_wal_lsn()");
            String walBytes = Sql.string(c, "SELECT pg_size_pretty(pg_current_wal_lsn() - '0/0'::pg_lsn)");
            ctx.results.note(String.format("W1 backlog: %,d INSERTs then %,d UPDATEs in transactions of %d, written in %.1f s"
                            + " (WAL up to %s, %s); average row %s bytes", ctx.scale.w1Rows(), ctx.scale.w1Rows(),
                    ctx.scale.w1Tx(), (System.nanoTime() - started) / 1e9, endLsn, walBytes,
                    Sql.string(c, "SELECT round(avg(pg_column_size(w1.*))) FROM " + TABLE)));
        }
        Runs repRate = new Runs();
        Runs repWall = new Runs();
        Runs repRss = new Runs();
        Runs repWarm = new Runs();
        Runs defaultRate = new Runs();
        Runs defaultRss = new Runs();
        List<List<String>> candidates = candidateJvmOptions();
        List<Runs[]> candidateRuns = new ArrayList<>();
        candidates.forEach(options -> candidateRuns.add(new Runs[] {new Runs(), new Runs()}));
        Runs recvRate = new Runs();
        Runs dbzRate = new Runs();
        Runs dbzWall = new Runs();
        Runs dbzRss = new Runs();
        Runs dbzWarm = new Runs();
        for (int r = 1; r <= runs; r++) {
            int run = r;
            List<NamedStep> steps = new ArrayList<>();
            steps.add(new NamedStep("replicator", () -> replicator("rep", run, Daemons.REPLICATOR_JVM_OPTIONS, repRate,
                    repWall, repRss, repWarm)));
            steps.add(new NamedStep("replicator with default JVM options", () -> replicator("repdef", run, List.of(),
                    defaultRate, new Runs(), defaultRss, new Runs())));
            for (int c = 0; c < candidates.size(); c++) {
                int candidate = c;
                steps.add(new NamedStep("replicator with " + String.join(" ", candidates.get(c)), () -> replicator(
                        "cand" + (candidate + 1), run, candidates.get(candidate), candidateRuns.get(candidate)[0],
                        new Runs(), candidateRuns.get(candidate)[1], new Runs())));
            }
            steps.add(new NamedStep("pg_recvlogical", () -> recvlogical(run, recvRate)));
            steps.add(new NamedStep("Debezium", () -> debezium(run, dbzRate, dbzWall, dbzRss, dbzWarm)));
            if (r == 1) {
                ctx.results.note("W1 order of the runs from the slots: " + RunOrder.describe(
                        steps.stream().map(NamedStep::name).toList(), runs));
            }
            runInOrder(steps, r);
        }
        String documented = String.join(" ", Daemons.REPLICATOR_JVM_OPTIONS);
        add(repRate, "w1.replicator.rate", "replicator → Kafka, events/s (first event to last ack), JVM options "
                + documented, "events/s");
        add(repWall, "w1.replicator.wall_rate", "replicator → Kafka, events/s incl. JVM start", "events/s");
        add(repWarm, "w1.replicator.second_half.rate", "replicator → Kafka, events/s over the second half of the"
                + " backlog (informational)", "events/s");
        add(repRss, "w1.replicator.peak_rss", "replicator peak RSS (VmHWM), documented JVM options " + documented, "MiB");
        add(defaultRate, "w1.replicator.default_jvm.rate", "replicator → Kafka, events/s, default JVM options"
                + " (informational)", "events/s");
        add(defaultRss, "w1.replicator.default_jvm.peak_rss", "replicator peak RSS (VmHWM), default JVM options"
                + " (informational)", "MiB");
        for (int c = 0; c < candidates.size(); c++) {
            String options = String.join(" ", candidates.get(c));
            add(candidateRuns.get(c)[0], "w1.replicator.cand" + (c + 1) + ".rate", "replicator → Kafka, events/s, JVM options "
                    + options + " (BENCH_W1_REPLICATOR_JVM)", "events/s");
            add(candidateRuns.get(c)[1], "w1.replicator.cand" + (c + 1) + ".peak_rss", "replicator peak RSS (VmHWM), JVM options "
                    + options + " (BENCH_W1_REPLICATOR_JVM)", "MiB");
        }
        add(recvRate, "w1.recvlogical.rate", "pg_recvlogical → /dev/null (raw pgoutput decode), events/s", "events/s");
        add(dbzRate, "w1.debezium.rate", "Debezium embedded → Kafka, events/s (first event to last ack)", "events/s");
        add(dbzWall, "w1.debezium.wall_rate", "Debezium embedded → Kafka, events/s incl. JVM start", "events/s");
        add(dbzWarm, "w1.debezium.second_half.rate", "Debezium embedded → Kafka, events/s over the second half of the"
                + " backlog (informational)", "events/s");
        add(dbzRss, "w1.debezium.peak_rss", "Debezium embedded peak RSS (VmHWM), default JVM options", "MiB");
        ctx.results.target(Target.ratioAtLeast("replicator vs raw decode", "w1.replicator.rate", "w1.recvlogical.rate",
                0.70, "≥ 0.70× pg_recvlogical"));
        ctx.results.target(Target.ratioAtLeast("replicator vs Debezium", "w1.replicator.rate", "w1.debezium.rate", 2.0,
                "≥ 2× Debezium"));
        // The two above include each JVM's warm-up; these show the speed once the hot code is compiled.
        ctx.results.target(Target.ratioAtLeast("replicator vs raw decode, second half of the backlog (informational)",
                "w1.replicator.second_half.rate", "w1.recvlogical.rate", 0, "ratio to pg_recvlogical's whole run"));
        ctx.results.target(Target.ratioAtLeast("replicator vs Debezium, second half of the backlog (informational)",
                "w1.replicator.second_half.rate", "w1.debezium.second_half.rate", 0, "ratio, both second halves"));
        ctx.results.target(Target.atMost("replicator peak RSS at full speed", "w1.replicator.peak_rss", 300,
                "≤ 300 MiB"));
        ctx.results.target(Target.ratioAtLeast("replicator RSS vs Debezium RSS (lower is better)",
                "w1.debezium.peak_rss", "w1.replicator.peak_rss", 1.0, "Debezium/replicator ≥ 1 (informational)"));
        try (Connection c = ctx.stack.postgres().connect(DB)) {
            for (int r = 1; r <= runs; r++) {
                for (String kind : kinds()) {
                    Sql.dropSlot(c, slot(kind, r));
                }
            }
        }
        sinkRuns();
    }

    private void sinkRuns() throws Exception {
        String topic = "w1_rep_1";
        if (ctx.results.figure("w1.replicator.rate").isEmpty() || ctx.kafka.endOffsets(topic) < events) {
            ctx.results.notDone("W1 sink and raw bulk: the replicator's topic " + topic + " does not hold the backlog");
            return;
        }
        Runs sinkRate = new Runs();
        Runs sinkWall = new Runs();
        Runs sinkRss = new Runs();
        Runs sinkWarm = new Runs();
        Runs rawRate = new Runs();
        Runs sinkDefaultRate = new Runs();
        Runs sinkDefaultRss = new Runs();
        List<List<String>> sinkCandidates = optionSets("BENCH_W1_SINK_JVM");
        List<Runs[]> sinkCandidateRuns = new ArrayList<>();
        sinkCandidates.forEach(options -> sinkCandidateRuns.add(new Runs[] {new Runs(), new Runs()}));
        List<byte[]> rawBodies = new ArrayList<>();
        attempt("W1 raw bulk preparation", () -> rawBodies.addAll(rawBulkBodies(topic)));
        if (!ctx.daemons.sinkAvailable()) {
            ctx.results.notDone("W1 sink: es-sink/target/es-sink.jar is missing");
        }
        // Sink and raw bulk take turns, so that each pair meets Elasticsearch equally warm (its JIT and
        // caches warm up over the first run, which both would otherwise leave to the sink), and even
        // repetitions reverse the order, so that neither is always the later one (RunOrder).
        for (int r = 1; r <= ctx.scale.runs(); r++) {
            int run = r;
            List<NamedStep> steps = new ArrayList<>();
            if (ctx.daemons.sinkAvailable()) {
                steps.add(new NamedStep("sink", () -> sink(run, "", Daemons.sinkJvmOptions(), topic, sinkRate, sinkWall,
                        sinkRss, sinkWarm)));
            }
            if (!rawBodies.isEmpty()) {
                steps.add(new NamedStep("raw bulk", () -> rawBulk(run, rawBodies, rawRate)));
            }
            if (ctx.daemons.sinkAvailable() && !Daemons.sinkJvmOptions().isEmpty()) {
                steps.add(new NamedStep("sink with default JVM options", () -> sink(run, "def", List.of(), topic,
                        sinkDefaultRate, new Runs(), sinkDefaultRss, new Runs())));
            }
            for (int c = 0; c < sinkCandidates.size() && ctx.daemons.sinkAvailable(); c++) {
                int candidate = c;
                steps.add(new NamedStep("sink with " + String.join(" ", sinkCandidates.get(c)), () -> sink(run,
                        "c" + (candidate + 1), sinkCandidates.get(candidate), topic, sinkCandidateRuns.get(candidate)[0],
                        new Runs(), sinkCandidateRuns.get(candidate)[1], new Runs())));
            }
            if (r == 1) {
                ctx.results.note("W1 order of the sink's and raw bulk's runs: " + RunOrder.describe(
                        steps.stream().map(NamedStep::name).toList(), ctx.scale.runs()));
            }
            runInOrder(steps, r);
        }
        if (sinkIndexOfRun1 == null && !rawBodies.isEmpty()) {
            ctx.results.note("W1 raw bulk used dynamic mappings (no sink index to copy the mapping from)");
        }
        add(sinkRate, "w1.sink.rate", "es-sink Kafka → Elasticsearch, events/s (first commit to last commit), "
                + Daemons.describeSinkJvmOptions(), "events/s");
        add(sinkWall, "w1.sink.wall_rate", "es-sink, events/s incl. JVM start", "events/s");
        add(sinkWarm, "w1.sink.second_half.rate", "es-sink, events/s over the second half of the backlog"
                + " (informational)", "events/s");
        add(sinkRss, "w1.sink.peak_rss", "es-sink peak RSS (VmHWM), " + Daemons.describeSinkJvmOptions(), "MiB");
        add(sinkDefaultRate, "w1.sink.default_jvm.rate", "es-sink Kafka → Elasticsearch, events/s, default JVM options"
                + " (informational)", "events/s");
        add(sinkDefaultRss, "w1.sink.default_jvm.peak_rss", "es-sink peak RSS (VmHWM), default JVM options"
                + " (informational)", "MiB");
        for (int c = 0; c < sinkCandidates.size(); c++) {
            String options = String.join(" ", sinkCandidates.get(c));
            add(sinkCandidateRuns.get(c)[0], "w1.sink.cand" + (c + 1) + ".rate", "es-sink Kafka → Elasticsearch, events/s,"
                    + " JVM options " + options + " (BENCH_W1_SINK_JVM)", "events/s");
            add(sinkCandidateRuns.get(c)[1], "w1.sink.cand" + (c + 1) + ".peak_rss", "es-sink peak RSS (VmHWM), JVM options "
                    + options + " (BENCH_W1_SINK_JVM)", "MiB");
        }
        add(rawRate, "w1.rawbulk.rate", "raw _bulk of the same documents (1000 per request), docs/s", "docs/s");
        ctx.results.target(Target.ratioAtLeast("sink vs raw bulk", "w1.sink.rate", "w1.rawbulk.rate", 0.85,
                "≥ 0.85× raw bulk"));
        ctx.results.target(Target.ratioAtLeast("sink vs raw bulk, second half of the backlog (informational)",
                "w1.sink.second_half.rate", "w1.rawbulk.rate", 0, "ratio to raw bulk's whole run"));
    }

    /**
     * Kinds of measured runs, one slot each per run: the replicator with the documented JVM options, with
     * the defaults, with each candidate set, then pg_recvlogical and Debezium.
     */
    private static List<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of("rep", "repdef"));
        for (int c = 1; c <= candidateJvmOptions().size(); c++) {
            kinds.add("cand" + c);
        }
        kinds.addAll(List.of("recv", "dbz"));
        return kinds;
    }

    /**
     * Further replicator JVM option sets to compare (informational rows): BENCH_W1_REPLICATOR_JVM, sets
     * separated by ';', options by blanks, e.g. {@code "-Xmx192m -XX:+UseSerialGC;-Xmx256m"}.
     */
    private static List<List<String>> candidateJvmOptions() {
        return optionSets("BENCH_W1_REPLICATOR_JVM");
    }

    /** JVM option sets from an environment variable: sets separated by ';', options by blanks. */
    private static List<List<String>> optionSets(String variable) {
        String value = System.getenv().getOrDefault(variable, "");
        List<List<String>> sets = new ArrayList<>();
        for (String set : value.split(";")) {
            if (!set.isBlank()) {
                sets.add(List.of(set.trim().split("\\s+")));
            }
        }
        return sets;
    }

    /**
     * @param kind the slot kind, also the topic's name part ({@code w1_rep_1} is the one the sink drains)
     * @param warm the rate over the second half of the backlog
     */
    private void replicator(String kind, int run, List<String> jvmOptions, Runs rate, Runs wall, Runs rss, Runs warm)
            throws Exception {
        String topic = "w1_" + kind + "_" + run;
        String slot = slot(kind, run);
        ctx.kafka.createTopic(topic, 3, false);
        Path dir = ctx.work.resolve("w1/replicator-" + kind + "-" + run);
        Path config = ctx.replicatorConfig(DB, slot, PUBLICATION, List.of(TABLE), topic, dir, "never")
                .write(dir.resolve("config.yaml"));
        CpuMeter meter = ctx.meter();
        try (ChildProcess p = ctx.daemons.replicator(config, dir.resolve("replicator.log"), jvmOptions)) {
            meter.add("replicator", CpuMeter.tree(p.pid()), true);
            meter.add("walsender", ctx.walsenderPids(DB, slot), false);
            Context.Progress progress = Context.await("W1 replicator", () -> ctx.kafka.endOffsets(topic), events, p,
                    false, STALL, meter::start);
            CpuMeter.Usage usage = meter.stop();
            rate.add(progress.rate(), usage.describe());
            warm.add(progress.secondHalfRate(), "");
            wall.add(events / ((progress.doneNanos() - p.startedNanos()) / 1e9), "");
            rss.add(ProcFs.peakRssKib(p.pid()) / 1024.0, "");
        }
    }

    private void recvlogical(int run, Runs rate) throws Exception {
        String slot = slot("recv", run);
        Path dir = ctx.work.resolve("w1/recvlogical-" + run);
        List<String> command = List.of(ctx.stack.postgres().binDir().resolve("pg_recvlogical").toString(),
                "-h", ctx.stack.postgres().host(), "-p", Integer.toString(ctx.stack.postgres().port()),
                "-U", ctx.stack.postgres().superuser(), "-d", DB, "--slot=" + slot, "--start", "--plugin=pgoutput",
                "-o", "proto_version=1", "-o", "publication_names=" + PUBLICATION, "--endpos=" + endLsn,
                "--fsync-interval=0", "--no-loop", "-f", "/dev/null");
        CpuMeter meter = ctx.meter();
        try (ChildProcess p = ChildProcess.start("pg_recvlogical", command,
                Map.of("PGPASSWORD", ctx.stack.postgres().password()), dir.resolve("recvlogical.log"))) {
            meter.add("pg_recvlogical", CpuMeter.tree(p.pid()), false);
            meter.add("walsender", ctx.walsenderPids(DB, slot), false);
            meter.start();
            Integer exit = p.await(Duration.ofMinutes(10));
            long done = System.nanoTime();
            CpuMeter.Usage usage = meter.stop();
            if (exit == null || exit != 0) {
                throw new IllegalStateException("pg_recvlogical ended with " + exit + ":\n" + p.logTail(10));
            }
            rate.add(events / ((done - p.startedNanos()) / 1e9), usage.describe());
        }
    }

    private void debezium(int run, Runs rate, Runs wall, Runs rss, Runs warm) throws Exception {
        String topic = "w1_dbz_" + run;
        String slot = slot("dbz", run);
        ctx.kafka.createTopic(topic, 3, false);
        Path dir = ctx.work.resolve("w1/debezium-" + run);
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.put("name", "bench-" + slot);
        props.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.put("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        props.put("offset.flush.interval.ms", "1000");
        props.put("database.hostname", ctx.stack.postgres().host());
        props.put("database.port", Integer.toString(ctx.stack.postgres().port()));
        props.put("database.user", ctx.stack.postgres().superuser());
        props.put("database.password", ctx.stack.postgres().password());
        props.put("database.dbname", DB);
        props.put("topic.prefix", slot);
        props.put("plugin.name", "pgoutput");
        props.put("slot.name", slot);
        props.put("publication.name", PUBLICATION);
        props.put("publication.autocreate.mode", "disabled");
        props.put("snapshot.mode", "no_data");
        props.put("table.include.list", TABLE);
        // Schemas off, like pgcdc's events (which carry column types in 'columns' instead).
        props.put("converter.schemas.enable", "false");
        props.put("key.converter.schemas.enable", "false");
        props.put("value.converter.schemas.enable", "false");
        Path propsFile = dir.resolve("engine.properties");
        try (Writer writer = Files.newBufferedWriter(propsFile)) {
            props.store(writer, "bench: Debezium embedded engine");
        }
        List<String> command = List.of(ctx.daemons.java().toString(), "-cp", debeziumClassPath(),
                "dev.pgcdc.bench.debezium.DebeziumMain", propsFile.toString(), ctx.stack.kafka().bootstrapServers(), topic);
        CpuMeter meter = ctx.meter();
        try (ChildProcess p = ChildProcess.start("debezium", command, Map.of(), dir.resolve("debezium.log"))) {
            meter.add("debezium", CpuMeter.tree(p.pid()), true);
            meter.add("walsender", ctx.walsenderPids(DB, slot), false);
            Context.Progress progress = Context.await("W1 Debezium", () -> ctx.kafka.endOffsets(topic), events, p,
                    false, STALL, meter::start);
            CpuMeter.Usage usage = meter.stop();
            rate.add(progress.rate(), usage.describe());
            warm.add(progress.secondHalfRate(), "");
            wall.add(events / ((progress.doneNanos() - p.startedNanos()) / 1e9), "");
            rss.add(ProcFs.peakRssKib(p.pid()) / 1024.0, "");
        }
    }

    /** @param kind "" for the sink run whose figures are compared, {@code def} for the run with the JVM's default
     *     options, else the candidate's name ({@code c1}, ...) */
    private void sink(int run, String kind, List<String> jvmOptions, String topic, Runs rate, Runs wall, Runs rss,
                      Runs warm)
            throws Exception {
        String group = "w1_sink" + kind + "_" + run;
        String prefix = "w1s" + kind + run + "_";
        Path dir = ctx.work.resolve("w1/sink" + kind + "-" + run);
        PipelineConfig sinkConfig = ctx.sinkConfig(topic, group, prefix, dir);
        Path config = sinkConfig.write(dir.resolve("config.yaml"));
        CpuMeter meter = ctx.meter();
        try (ChildProcess p = ctx.daemons.sink(config, dir.resolve("sink.log"), jvmOptions)) {
            meter.add("es-sink", CpuMeter.tree(p.pid()), true);
            Context.Progress progress = Context.await("W1 sink", () -> committed(group, topic), events, p, false,
                    STALL, meter::start);
            CpuMeter.Usage usage = meter.stop();
            rss.add(ProcFs.peakRssKib(p.pid()) / 1024.0, "");
            String index = prefix + "public_w1";
            long docs = ctx.es.count(index);
            if (docs != ctx.scale.w1Rows()) {
                throw new IllegalStateException("the sink committed every offset but " + index + " holds " + docs
                        + " documents, not " + ctx.scale.w1Rows());
            }
            rate.add(progress.rate(), usage.describe());
            warm.add(progress.secondHalfRate(), "");
            wall.add(events / ((progress.doneNanos() - p.startedNanos()) / 1e9), "");
            String options = kind.isEmpty() ? "" : jvmOptions.isEmpty() ? "default JVM options " : jvmOptions + " ";
            ctx.results.note("W1 sink " + options + "run " + run + ": "
                    + SinkNotes.bulkRequests((Integer) sinkConfig.get("metrics", "sink_port")) + "; "
                    + SinkNotes.esWork(ctx, index));
            if (run == 1 && kind.isEmpty()) {
                sinkIndexOfRun1 = index;
            }
        }
    }

    private long committed(String group, String topic) {
        try {
            return ctx.kafka.committed(group, topic);
        } catch (IllegalStateException e) {
            return 0; // the group does not exist until the first commit
        }
    }

    /**
     * The baseline: the sink's own mapping (EventMapper) of the replicator's events into the same
     * versioned index operations, prepared in memory, then sent as bulk requests of 1000 one after the
     * other (the sink's default bulk size, one request in flight) into an index with the sink's mapping.
     */
    private List<byte[]> rawBulkBodies(String topic) throws Exception {
        int bulkSize = SinkConfig.defaults().bulkMaxActions();
        ElasticsearchConfig esConfig = new ElasticsearchConfig(List.of(ctx.stack.elasticsearch().url()), null, null,
                null, "w1raw_", null, null);
        EventMapper mapper = new EventMapper(new IndexNames(esConfig, SinkConfig.defaults()), "_cdc", false);
        List<byte[]> bodies = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] inBody = {0};
        long[] valueBytes = {0};
        ctx.kafka.readAll(topic, record -> {
            valueBytes[0] += record.value().length;
            ChangeEvent event = ChangeEventCodec.decode(record.value());
            Plan plan = mapper.plan(event);
            for (Write write : plan.writes()) {
                if (!(write instanceof Write.VersionedIndex index)) {
                    throw new IllegalStateException("W1 should only index documents, got " + write);
                }
                String action = "{\"index\":{\"_id\":\"" + index.id() + "\",\"version\":" + index.version().commitLsn()
                        + ",\"version_type\":\"external_gte\"}}\n";
                body.writeBytes(action.getBytes(StandardCharsets.UTF_8));
                body.writeBytes(index.source());
                body.write('\n');
            }
            if (++inBody[0] == bulkSize) {
                bodies.add(body.toByteArray());
                body.reset();
                inBody[0] = 0;
            }
        });
        if (inBody[0] > 0) {
            bodies.add(body.toByteArray());
        }
        ctx.results.note(String.format("W1 events: average Kafka record value %d bytes (pgcdc envelope)",
                valueBytes[0] / Math.max(1, events)));
        return bodies;
    }

    private void rawBulk(int run, List<byte[]> bodies, Runs rate) throws Exception {
        String index = "w1raw_" + run;
        if (sinkIndexOfRun1 != null) {
            ctx.es.createIndex(index, ctx.es.mappings(sinkIndexOfRun1));
        }
        CpuMeter meter = ctx.meter();
        meter.start();
        long start = System.nanoTime();
        for (byte[] b : bodies) {
            if (ctx.es.bulk(index, b)) {
                throw new IOException("a bulk item failed in the raw baseline");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuMeter.Usage usage = meter.stop();
        long docs = ctx.es.count(index);
        if (docs != ctx.scale.w1Rows()) {
            throw new IllegalStateException(index + " holds " + docs + " documents, expected " + ctx.scale.w1Rows());
        }
        rate.add(events / seconds, usage.describe());
        ctx.results.note(String.format(java.util.Locale.ROOT, "W1 raw bulk run %d: %,d bulk requests, %.1f ms each on"
                + " average; %s", run, bodies.size(), seconds * 1000 / bodies.size(), SinkNotes.esWork(ctx, index)));
    }

    private String debeziumClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            // The daemons' shaded jars are for the micro-benchmarks; keep them off Debezium's class path.
            if (!entry.contains("cdc-replicator") && !entry.contains("es-sink")) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private void add(Runs runs, String id, String name, String unit) {
        if (!runs.isEmpty()) {
            ctx.results.add(runs.figure(id, "W1", name, unit));
        }
    }

    private void attempt(String what, Step step) {
        BenchMain.attempt(ctx, what, step);
    }

    private static String slot(String kind, int run) {
        return "w1_" + kind + "_" + run;
    }

    /** Runs repetition {@code run}'s steps in {@link RunOrder}'s order; a failed step is reported, not fatal. */
    private void runInOrder(List<NamedStep> steps, int run) {
        RunOrder.forRepetition(steps, run).forEach(step -> attempt("W1 " + step.name() + " run " + run, step.step()));
    }

    /** A measured run, named as the report's order note and failure messages give it. */
    private record NamedStep(String name, Step step) {
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }
}
