package dev.pgcdc.bench.jmh;

import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.pgoutput.PgOutputDecoder;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.index.IndexNames;
import dev.pgcdc.sink.index.Plan;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The sink's per-record work before Elasticsearch: Kafka record value → {@link ChangeEvent}
 * ({@link ChangeEventCodec#decode}) → bulk writes ({@link EventMapper#plan}: document bytes with the
 * metadata object, id, external version), on the W1 INSERT as the replicator encodes it. The
 * conversion of a {@code Write} to the Elasticsearch client's {@code BulkOperation} is private to
 * {@code BulkWriter} and not measured here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SinkMappingBenchmark {

    private EventMapper mapper;
    private byte[] value;
    private ChangeEvent event;

    @Setup
    public void setUp() {
        EventMappingBenchmark events = new EventMappingBenchmark();
        events.setUp();
        event = events.assembleInsert();
        value = ChangeEventCodec.encode(event);
        ElasticsearchConfig es = new ElasticsearchConfig(List.of("http://localhost:9200"), null, null, null, "cdc_",
                null, null);
        mapper = new EventMapper(new IndexNames(es, SinkConfig.defaults()), "_cdc", false);
        PgOutputDecoder.class.getName(); // the replicator jar is on the class path for the fixture's events
    }

    @Benchmark
    public ChangeEvent decodeRecord() {
        return ChangeEventCodec.decode(value);
    }

    @Benchmark
    public Plan plan() {
        return mapper.plan(event);
    }

    @Benchmark
    public Plan decodeAndPlan() {
        return mapper.plan(ChangeEventCodec.decode(value));
    }
}
