package dev.pgcdc.bench.jmh;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.metrics.ReplicatorMetrics;
import dev.pgcdc.replicator.kafka.AckTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The bookkeeping around each sent event, outside encoding: the acknowledgement's metrics on the
 * producer's I/O thread ({@link ReplicatorMetrics#sent}, with the Prometheus registry the daemon
 * uses), and the {@link AckTracker} cycle on the stream thread (track, acknowledge, and per
 * transaction of 1000 events begin, commit, confirmable).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerEventBenchmark {

    private ReplicatorMetrics metrics;
    private final TableId table = new TableId("public", "w1");
    private AckTracker tracker;
    private long events;

    @Setup
    public void setUp() {
        metrics = new ReplicatorMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        tracker = new AckTracker();
        tracker.begin();
    }

    @Benchmark
    public void metricsSent() {
        metrics.sent(table, Op.CREATE, 2_500_000);
    }

    @Benchmark
    public Lsn trackAndAcknowledge() {
        tracker.track(870).acknowledged();
        if (++events % 1000 == 0) {
            tracker.commit(new Lsn(events));
            tracker.begin();
            return tracker.confirmable();
        }
        return null;
    }
}
