package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.EsProbe;
import dev.pgcdc.bench.measure.KafkaProbe;
import dev.pgcdc.bench.report.ReportWriter;
import dev.pgcdc.bench.report.Results;
import dev.pgcdc.bench.run.Daemons;
import dev.pgcdc.bench.run.Stack;
import dev.pgcdc.bench.workload.EngineWarmup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark harness (issue 8): starts PostgreSQL, Kafka and Elasticsearch, runs the workloads
 * W1 (backlog: replicator vs pg_recvlogical vs Debezium; sink vs raw bulk), W5 (one big transaction
 * under -Xmx256m), W3 (snapshot vs COPY), W2 (steady rates, per-event latency) and W4 (pgbench end to
 * end), and writes {@code results.md}, {@code results.json} and {@code latency.png}.
 *
 * <p>Usage (see bench/run.sh): {@code BenchMain [--quick] [--strict] [--runs N] [--only w1,w2,...]
 * [--w2-rates R,...] [--out DIR] [--work DIR]}. Run from the repository root (the daemons' jars are
 * found under it). Exit code 0 when the report was written, whatever the figures; 1 when the engines
 * could not start; 2 for bad arguments; 3 with {@code --strict} when a step did not run (the report
 * lists it under "not done").
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Scale scale = Scale.FULL;
        Set<String> only = new LinkedHashSet<>(List.of("w1", "w5", "w3", "w2", "w4"));
        Path out = null;
        Path work = Path.of("bench/target/work");
        Integer runs = null;
        List<Integer> w2Rates = null;
        boolean strict = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> scale = Scale.QUICK;
                case "--strict" -> strict = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--only" -> {
                    only.retainAll(List.of(args[++i].toLowerCase(Locale.ROOT).split(",")));
                }
                case "--w2-rates" -> w2Rates = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: BenchMain [--quick] [--strict] [--runs N] [--only w1,w2,w3,w4,w5] [--w2-rates R,...]"
                            + " [--out DIR] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        if (runs != null) {
            scale = scale.withRuns(runs);
        }
        if (w2Rates != null) {
            scale = scale.withW2Rates(w2Rates);
        }
        if (out == null) {
            out = Path.of("bench/results", scale.name());
        }
        work = work.resolve(Instant.now().toString().replace(':', '-'));
        Files.createDirectories(work);
        Results results = new Results();
        Instant started = Instant.now();
        log("starting PostgreSQL, Kafka and Elasticsearch (" + scale.name() + " run, " + scale.runs() + " runs per figure)");
        Stack stack;
        try {
            stack = Stack.start();
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
            return;
        }
        try (stack; KafkaProbe kafka = new KafkaProbe(stack.kafka().bootstrapServers())) {
            MachineInfo.describe(results.machine(), stack);
            results.machine().put("scale", scale.toString());
            Daemons daemons = new Daemons(Path.of(System.getProperty("bench.jars", "bench/target/jars")).toAbsolutePath());
            results.machine().put("pgcdc build", MachineInfo.build());
            Context ctx = new Context(stack, daemons, kafka, new EsProbe(stack.elasticsearch().url()), results, scale,
                    work);
            results.note("Run " + started + "; every figure is the median of the runs with min and max; ratios are of"
                    + " medians measured in this run, their range over runs paired in order. CPU readings are % of one"
                    + " core over the measured window, from /proc/PID/stat; 'saturated' marks a thread at ≥ 85%.");
            results.note("Daemons and Debezium run with default JVM options (java -jar / java -cp) unless stated;"
                    + " the machine is shared with other engineers' builds and tests, see the load averages.");
            if (!daemons.sinkAvailable()) {
                results.notDone("es-sink figures: es-sink/target/es-sink.jar is missing");
            }
            long warmStart = System.nanoTime();
            log("warming up Kafka and Elasticsearch (nothing measured)");
            int warmRecords = scale.w1Rows();
            List<Double> esPasses = new ArrayList<>();
            attempt(ctx, "engine warm-up", () -> {
                EngineWarmup.kafka(kafka, ctx.stack.kafka().bootstrapServers(), 2 * warmRecords);
                esPasses.addAll(EngineWarmup.elasticsearch(ctx.es, warmRecords));
            });
            results.note(String.format("Before the workloads the harness warmed the engines (not the daemons, which"
                    + " start in new JVMs for every measured run): %,d records produced to Kafka with the replicator's"
                    + " producer settings and read back; %,d documents bulk-indexed into Elasticsearch in %d passes"
                    + " until a pass was no more than 10%% faster than the last (%s s); %d s in all",
                    2 * warmRecords, warmRecords, esPasses.size(), esPasses.stream()
                            .map(s -> String.format("%.1f", s)).collect(java.util.stream.Collectors.joining(", ")),
                    Duration.ofNanos(System.nanoTime() - warmStart).toSeconds()));
            for (String workload : only) {
                String load = MachineInfo.loadAverage();
                log(workload.toUpperCase(Locale.ROOT) + " (load average " + load + ")");
                results.note(workload.toUpperCase(Locale.ROOT) + " started with load average (1/5/15 min) " + load);
                long start = System.nanoTime();
                attempt(ctx, workload.toUpperCase(Locale.ROOT), () -> {
                    switch (workload) {
                        case "w1" -> new W1Backlog(ctx).run();
                        case "w2" -> new W2Steady(ctx).run();
                        case "w3" -> new W3Snapshot(ctx).run();
                        case "w4" -> new W4Pgbench(ctx).run();
                        case "w5" -> new W5BigTransaction(ctx).run();
                        default -> throw new IllegalArgumentException("unknown workload " + workload);
                    }
                });
                log(workload.toUpperCase(Locale.ROOT) + " done in " + Duration.ofNanos(System.nanoTime() - start).toSeconds()
                        + " s");
                ReportWriter.write(results, out); // after every workload, so a late failure keeps the earlier figures
            }
            results.machine().put("load average at end (1/5/15 min)", MachineInfo.loadAverage());
            results.machine().put("duration", Duration.between(started, Instant.now()).toSeconds() + " s");
            ReportWriter.write(results, out);
            if (!ctx.plot.isEmpty()) {
                ctx.plot.write(out.resolve("latency.png"), "pgcdc latency distribution, commit → acked/indexed ("
                        + scale.name() + " run, first run of each rate)");
            }
            log("results in " + out.toAbsolutePath() + " (work files in " + work.toAbsolutePath() + ")");
            System.out.println(Files.readString(out.resolve("results.md")));
        }
        if (strict && !results.notDone().isEmpty()) {
            // CI runs --quick --strict so that the harness cannot rot: any step that did not run fails it.
            System.err.println("bench: " + results.notDone().size() + " step(s) did not run: " + results.notDone());
            System.exit(3);
        }
    }

    /** Runs one measured step; a failure is reported (and kept in the results) instead of ending the run. */
    static void attempt(Context ctx, String what, W1Backlog.Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage());
            System.err.println("bench: " + what + " failed: " + message);
            e.printStackTrace();
            ctx.results.notDone(what + " failed: " + message.lines().findFirst().orElse(message));
        }
    }

    static void log(String message) {
        System.out.println(Instant.now() + " bench: " + message);
    }
}
