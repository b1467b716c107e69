package dev.pgcdc.bench.jmh;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.event.ConvertedColumnTypes;
import dev.pgcdc.replicator.event.EventSizeGuard;
import dev.pgcdc.replicator.event.TableKeys;
import dev.pgcdc.replicator.event.TransactionAssembler;
import dev.pgcdc.replicator.event.TransactionListener;
import dev.pgcdc.replicator.pgoutput.PgOutputDecoder;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage;
import dev.pgcdc.replicator.value.BuiltinTypeCatalog;
import dev.pgcdc.replicator.value.ValueConverter;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
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
 * Messages → change events → JSON bytes, the replicator's per-row work after decoding: the
 * {@link TransactionAssembler} (values converted to JSON trees) and {@link ChangeEventCodec} (record
 * value and key), on the recorded W1 INSERT and UPDATE. {@code decodeToBytes} is the whole per-row path
 * from pgoutput bytes to the Kafka record's key and value.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventMappingBenchmark {

    private TransactionAssembler assembler;
    private final Capture capture = new Capture();
    private PgOutputMessage insert;
    private PgOutputMessage update;
    private ByteBuffer insertBytes;
    private long lsn;
    private ChangeEvent insertEvent;

    @Setup
    public void setUp() {
        List<Fixtures.Message> w1 = Fixtures.w1();
        assembler = new TransactionAssembler("bench", "bench", "bench", new ConvertedColumnTypes(
                new ValueConverter(BuiltinTypeCatalog.INSTANCE)), new PrimaryKeyId(),
                (table, xid, key, columns) -> Optional.empty(), EventSizeGuard.NONE, Clock.systemUTC(), null);
        // Relation, then Begin: every benchmarked change is inside this one (never committed) transaction.
        assembler.accept(PgOutputDecoder.decode(Fixtures.first(w1, 'R').buffer()), Fixtures.first(w1, 'R').lsn(), capture);
        assembler.accept(PgOutputDecoder.decode(Fixtures.first(w1, 'B').buffer()), Fixtures.first(w1, 'B').lsn(), capture);
        Fixtures.Message insertMessage = Fixtures.first(w1, 'I');
        insert = PgOutputDecoder.decode(insertMessage.buffer());
        update = PgOutputDecoder.decode(Fixtures.first(w1, 'U').buffer());
        insertBytes = insertMessage.buffer();
        lsn = insertMessage.lsn();
        assembler.accept(insert, lsn, capture);
        insertEvent = capture.event;
    }

    @Benchmark
    public ChangeEvent assembleInsert() {
        assembler.accept(insert, lsn, capture);
        return capture.event;
    }

    @Benchmark
    public ChangeEvent assembleUpdate() {
        assembler.accept(update, lsn, capture);
        return capture.event;
    }

    @Benchmark
    public void encodeInsert(Blackhole blackhole) {
        blackhole.consume(ChangeEventCodec.encode(insertEvent));
        blackhole.consume(ChangeEventCodec.encodeKey(insertEvent));
    }

    @Benchmark
    public void decodeToBytes(Blackhole blackhole) {
        assembler.accept(PgOutputDecoder.decode(insertBytes), lsn, capture);
        blackhole.consume(ChangeEventCodec.encode(capture.event));
        blackhole.consume(ChangeEventCodec.encodeKey(capture.event));
    }

    /** Keeps the last event (the stream loop sends it to Kafka at this point). */
    static final class Capture implements TransactionListener {
        ChangeEvent event;

        @Override
        public void begin(long xid, Lsn commitLsn) {
        }

        @Override
        public void change(ChangeEvent event) {
            this.event = event;
        }

        @Override
        public void commit(Lsn endLsn) {
        }
    }

    /** The W1 table: captured, primary key {@code id}. */
    static final class PrimaryKeyId implements TableKeys {
        @Override
        public boolean captured(TableId table) {
            return true;
        }

        @Override
        public List<String> primaryKey(TableId table) {
            return List.of("id");
        }

        @Override
        public List<String> configuredKey(TableId table) {
            return List.of();
        }
    }
}
