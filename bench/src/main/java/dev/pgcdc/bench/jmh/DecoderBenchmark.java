package dev.pgcdc.bench.jmh;

import dev.pgcdc.replicator.pgoutput.PgOutputDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * pgoutput bytes → message ({@link PgOutputDecoder#decode}) on recorded messages: the W1 table's
 * INSERT and UPDATE (five columns, ~300 bytes), and every message of the replicator's {@code dml.tsv}
 * fixture (all message kinds) per operation. Run with {@code -prof gc} for the allocation rate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecoderBenchmark {

    private ByteBuffer insert;
    private ByteBuffer update;
    private ByteBuffer[] dml;

    @Setup
    public void setUp() {
        List<Fixtures.Message> w1 = Fixtures.w1();
        insert = Fixtures.first(w1, 'I').buffer();
        update = Fixtures.first(w1, 'U').buffer();
        dml = Fixtures.replicator("dml.tsv").stream().map(Fixtures.Message::buffer).toArray(ByteBuffer[]::new);
    }

    @Benchmark
    public Object w1Insert() {
        return PgOutputDecoder.decode(insert);
    }

    @Benchmark
    public Object w1Update() {
        return PgOutputDecoder.decode(update);
    }

    /** All messages of dml.tsv (about 100, every kind) in one operation. */
    @Benchmark
    public void dmlFixtureAll(Blackhole blackhole) {
        for (ByteBuffer message : dml) {
            blackhole.consume(PgOutputDecoder.decode(message));
        }
    }
}
