package dev.pgcdc.common.metrics;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Op;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Elasticsearch sink's meters. Prometheus names (Micrometer adds the unit and {@code _total}):
 * <ul>
 *   <li>{@code pgcdc_sink_events_total{table,op}}: events applied (acknowledged by Elasticsearch,
 *       or found superseded by a newer version);</li>
 *   <li>{@code pgcdc_sink_superseded_total}: writes skipped because a newer version was stored;</li>
 *   <li>{@code pgcdc_sink_end_to_end_seconds}: from the PostgreSQL commit to Elasticsearch's
 *       acknowledgement, per event (histogram);</li>
 *   <li>{@code pgcdc_sink_bulk_seconds{outcome}}: bulk request latency (histogram);
 *       {@code pgcdc_sink_bulk_actions}, {@code pgcdc_sink_bulk_size_bytes}: bulk request sizes;</li>
 *   <li>{@code pgcdc_sink_retries_total}: rounds of retrying after Elasticsearch failed;</li>
 *   <li>{@code pgcdc_sink_dead_lettered_total}: records sent to the dead-letter topic;</li>
 *   <li>{@code pgcdc_sink_consumer_lag_records{topic,partition}}: records not yet consumed;</li>
 *   <li>{@code pgcdc_sink_committed_offsets_total}: offset commits.</li>
 * </ul>
 * Thread-safe; recording methods are cheap enough for the loop thread.
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<TableOp, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Counter superseded;
    private final Counter retries;
    private final Counter deadLettered;
    private final Counter commits;
    private final Timer endToEnd;
    private final Timer bulkOk;
    private final Timer bulkFailed;
    private final DistributionSummary bulkActions;
    private final DistributionSummary bulkBytes;

    public SinkMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        superseded = Counter.builder("pgcdc.sink.superseded")
                .description("Writes skipped because Elasticsearch already held a newer version of the row")
                .register(registry);
        retries = Counter.builder("pgcdc.sink.retries")
                .description("Rounds of retries after Elasticsearch was unavailable or rejected items retriably")
                .register(registry);
        deadLettered = Counter.builder("pgcdc.sink.dead.lettered")
                .description("Records that can never be applied, sent to the dead-letter topic")
                .register(registry);
        commits = Counter.builder("pgcdc.sink.committed.offsets")
                .description("Kafka offset commits (each after Elasticsearch acknowledged everything before it)")
                .register(registry);
        endToEnd = Timer.builder("pgcdc.sink.end.to.end")
                .description("Time from the PostgreSQL commit to Elasticsearch's acknowledgement, per event")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        bulkOk = bulkTimer("ok");
        bulkFailed = bulkTimer("failed");
        bulkActions = DistributionSummary.builder("pgcdc.sink.bulk.actions")
                .description("Items per bulk request")
                .register(registry);
        bulkBytes = DistributionSummary.builder("pgcdc.sink.bulk.size")
                .baseUnit("bytes")
                .description("Approximate size of each bulk request")
                .register(registry);
    }

    private Timer bulkTimer(String outcome) {
        return Timer.builder("pgcdc.sink.bulk")
                .description("Latency of bulk requests to Elasticsearch; outcome failed means the whole request failed")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    /** An event applied; {@code commitTimeMs} is its transaction's commit time (epoch ms), 0 if unknown. */
    public void applied(TableId table, Op op, long commitTimeMs) {
        events.computeIfAbsent(new TableOp(table, op), k -> Counter.builder("pgcdc.sink.events")
                .description("Change events applied to Elasticsearch, by table and operation")
                .tags(Tags.of("table", table.toString(), "op", opLabel(op)))
                .register(registry)).increment();
        if (commitTimeMs > 0) {
            endToEnd.record(Duration.ofMillis(Math.max(0, clock.millis() - commitTimeMs)));
        }
    }

    public void superseded() {
        superseded.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    public void committed() {
        commits.increment();
    }

    /** One bulk request: how long it took, its size, and whether the request as a whole succeeded. */
    public void bulk(Duration latency, int actions, long bytes, boolean ok) {
        (ok ? bulkOk : bulkFailed).record(latency);
        bulkActions.record(actions);
        bulkBytes.record(bytes);
    }

    /** The consumer's lag on a partition it is assigned, in records. */
    public void consumerLag(String topic, int partition, long records) {
        lag.computeIfAbsent(topic + "|" + partition, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("pgcdc.sink.consumer.lag", value, AtomicLong::get)
                    .description("Records in the partition the sink has not consumed yet")
                    .baseUnit("records")
                    .tags("topic", topic, "partition", Integer.toString(partition))
                    .register(registry);
            return value;
        }).set(records);
    }

    /** A partition no longer assigned: its lag gauge goes away (another sink reports it). */
    public void forgetPartition(String topic, int partition) {
        if (lag.remove(topic + "|" + partition) != null) {
            registry.find("pgcdc.sink.consumer.lag").tags("topic", topic, "partition", Integer.toString(partition))
                    .meters().forEach(registry::remove);
        }
    }

    /** Key of the per-table, per-operation counters (no string building per event). */
    record TableOp(TableId table, Op op) {
    }

    /** The {@code op} label: create, update, delete, read (snapshot) or truncate. */
    public static String opLabel(Op op) {
        return op.name().toLowerCase(Locale.ROOT);
    }
}
