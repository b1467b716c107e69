package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.CpuMeter;
import dev.pgcdc.bench.measure.EsProbe;
import dev.pgcdc.bench.measure.KafkaProbe;
import dev.pgcdc.bench.report.LatencyPlot;
import dev.pgcdc.bench.report.Results;
import dev.pgcdc.bench.run.ChildProcess;
import dev.pgcdc.bench.run.Daemons;
import dev.pgcdc.bench.run.PipelineConfig;
import dev.pgcdc.bench.run.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** What every workload needs: the engines, the daemons, the probes, where to write, and the results. */
public final class Context {

    final Stack stack;
    final Daemons daemons;
    final KafkaProbe kafka;
    final EsProbe es;
    final Results results;
    final Scale scale;
    final Path work;
    final LatencyPlot plot = new LatencyPlot();

    Context(Stack stack, Daemons daemons, KafkaProbe kafka, EsProbe es, Results results, Scale scale, Path work) {
        this.stack = stack;
        this.daemons = daemons;
        this.kafka = kafka;
        this.es = es;
        this.results = results;
        this.scale = scale;
        this.work = work;
    }

    /** A replicator config for one run: the database, slot, publication and topic; defaults for the rest. */
    PipelineConfig replicatorConfig(String database, String slot, String publication, List<Object> tables, String topic,
                                    Path runDir, String snapshotMode) {
        PipelineConfig config = new PipelineConfig()
                .set("postgres", "host", stack.postgres().host())
                .set("postgres", "port", stack.postgres().port())
                .set("postgres", "user", stack.postgres().superuser())
                .set("postgres", "password", stack.postgres().password())
                .set("postgres", "dbname", database)
                .set("postgres", "slot_name", slot)
                .set("postgres", "publication_name", publication)
                .set("postgres", "tables", tables);
        if (daemons.replicatorSupportsSnapshots()) {
            config.set("postgres", "snapshot_mode", snapshotMode);
        }
        return config.set("kafka", "brokers", List.of(stack.kafka().bootstrapServers()))
                .set("kafka", "topic", topic)
                .set("replicator", "position_path", runDir.resolve("position").toString())
                .set("metrics", "host", "127.0.0.1")
                .set("metrics", "replicator_port", freePort())
                .set("metrics", "sink_port", 0)
                .set("logging", "sqlite_path", runDir.resolve("cdc.db").toString());
    }

    /**
     * A sink config for one run: the topic, a fresh group and a fresh index prefix; the {@code sink:}
     * settings in BENCH_SINK_SETTINGS (e.g. {@code max_in_flight_requests=1,flush_interval=200ms}) for
     * comparing settings, the sink's defaults otherwise.
     */
    PipelineConfig sinkConfig(String topic, String group, String indexPrefix, Path runDir) {
        PipelineConfig config = new PipelineConfig();
        for (String setting : System.getenv().getOrDefault("BENCH_SINK_SETTINGS", "").split(",")) {
            if (setting.contains("=")) {
                config.set("sink", setting.substring(0, setting.indexOf('=')).trim(),
                        setting.substring(setting.indexOf('=') + 1).trim());
            }
        }
        return config
                .set("kafka", "brokers", List.of(stack.kafka().bootstrapServers()))
                .set("kafka", "topic", topic)
                .set("kafka", "groupID", group)
                .set("elasticsearch", "addresses", List.of(stack.elasticsearch().url()))
                .set("elasticsearch", "indexPrefix", indexPrefix)
                .set("metrics", "host", "127.0.0.1")
                .set("metrics", "replicator_port", 0)
                .set("metrics", "sink_port", freePort())
                .set("logging", "sqlite_path", runDir.resolve("sink.db").toString());
    }

    /**
     * A loopback port free now, for a daemon's /health and /metrics endpoint (the defaults, 8081 and
     * 8082 on every interface, would collide with other runs on a shared machine).
     */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for a daemon's metrics endpoint", e);
        }
    }

    /** The CPU meter of a pipeline run: the given processes plus PostgreSQL, Kafka, Elasticsearch and this JVM. */
    CpuMeter meter() {
        CpuMeter meter = new CpuMeter();
        meter.add("postgres (all)", CpuMeter.tree(stack.postgres().pid()), false);
        meter.add("kafka", () -> List.of(stack.kafka().pid()), false);
        meter.add("elasticsearch", stack::elasticsearchPids, false);
        meter.add("harness", () -> List.of(ProcessHandle.current().pid()), false);
        return meter;
    }

    /**
     * The walsender serving {@code slot}, for a {@link CpuMeter}: looked up once and kept while that
     * process lives (a look-up is a new PostgreSQL connection, a forked backend: at the meter's ten
     * samples a second that cost PostgreSQL and this harness more CPU than the figure is worth); while
     * none serves the slot, looked up again at most twice a second.
     */
    java.util.function.Supplier<List<Long>> walsenderPids(String database, String slot) {
        var known = new Object() {
            List<Long> pids = List.of();
            long lookedUpAt;
            boolean lookedUp;
        };
        return () -> {
            if (!known.pids.isEmpty() && ProcessHandle.of(known.pids.get(0)).map(ProcessHandle::isAlive).orElse(false)) {
                return known.pids;
            }
            long now = System.nanoTime();
            if (!known.lookedUp || now - known.lookedUpAt >= 500_000_000L) {
                known.pids = walsender(database, slot);
                known.lookedUpAt = now;
                known.lookedUp = true;
            } else {
                known.pids = List.of();
            }
            return known.pids;
        };
    }

    /** The walsender serving {@code slot}, or nothing while none is. */
    List<Long> walsender(String database, String slot) {
        try (Connection c = stack.postgres().connect(database);
             PreparedStatement s = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                List<Long> pids = new ArrayList<>();
                if (rs.next() && rs.getObject(1) != null) {
                    pids.add(rs.getLong(1));
                }
                return pids;
            }
        } catch (SQLException e) {
            return List.of();
        }
    }

    /**
     * How often {@link #await} asks for progress. Each poll of the end offsets is an admin request the
     * broker under test answers: polled every 20 ms, the harness took 10% of a core during the
     * replicator's CPU-bound W1 window (2% during pg_recvlogical's, which is not polled). 50 ms keeps the
     * timing error within 2% of a 3-s window.
     */
    static final Duration PROGRESS_POLL = Duration.ofMillis(50);

    /**
     * Polls {@code progress} every {@link #PROGRESS_POLL} until it reaches {@code target}. Fails when the
     * process exits first (unless it may), or when no progress is seen for {@code stall}.
     *
     * @param onFirst called once when progress is first above zero (starts the CPU window)
     */
    static Progress await(String what, LongSupplier progress, long target, ChildProcess process, boolean mayExit,
                          Duration stall, Runnable onFirst) throws InterruptedException {
        return await(what, progress, target, process, mayExit, stall, onFirst, Duration.ofHours(1));
    }

    /** As above, but gives up after {@code limit} in all (a consumer that cannot catch up at all). */
    static Progress await(String what, LongSupplier progress, long target, ChildProcess process, boolean mayExit,
                          Duration stall, Runnable onFirst, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long firstNanos = 0;
        long firstValue = 0;
        long halfNanos = 0;
        long halfValue = 0;
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long value = progress.getAsLong();
            long now = System.nanoTime();
            if (value > 0 && firstNanos == 0) {
                firstNanos = now;
                firstValue = value;
                if (onFirst != null) {
                    onFirst.run();
                }
            }
            if (value * 2 >= target && halfNanos == 0) {
                halfNanos = now;
                halfValue = value;
            }
            if (value >= target) {
                return new Progress(firstNanos, firstValue, halfNanos, halfValue, now, value);
            }
            if (now > deadline) {
                throw new IllegalStateException(what + ": only " + value + " of " + target + " after "
                        + limit.toSeconds() + " s (it does not keep up here)");
            }
            if (value != last) {
                last = value;
                lastChange = now;
            } else if (now - lastChange > stall.toNanos()) {
                throw new IllegalStateException(what + ": no progress for " + stall.toSeconds() + " s at " + value
                        + " of " + target + (process == null ? "" : "; " + process.name() + " log " + process.log()
                        + ":\n" + process.logTail(15)));
            }
            if (process != null && !mayExit && !process.isAlive()) {
                process.requireAlive();
            }
            Thread.sleep(PROGRESS_POLL.toMillis());
        }
    }

    /**
     * When progress was first seen, when it first reached half the target, and when it reached the target.
     *
     * @param firstValue the progress at {@code firstNanos} (work done before the window opened)
     * @param halfValue the progress at {@code halfNanos}, at least half the target
     */
    record Progress(long firstNanos, long firstValue, long halfNanos, long halfValue, long doneNanos, long doneValue) {

        /** Work per second inside the window from the first observed progress to the target. */
        double rate() {
            return rate(firstNanos, firstValue);
        }

        /**
         * Work per second from half the target to the target: it leaves out a new JVM's first seconds of
         * interpreted code and compiling, which {@link #rate()} includes.
         */
        double secondHalfRate() {
            return rate(halfNanos, halfValue);
        }

        private double rate(long fromNanos, long fromValue) {
            double seconds = (doneNanos - fromNanos) / 1e9;
            return seconds <= 0 ? Double.NaN : (doneValue - fromValue) / seconds;
        }
    }
}
