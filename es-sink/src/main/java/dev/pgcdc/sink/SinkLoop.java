package dev.pgcdc.sink;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.MalformedEventException;
import dev.pgcdc.common.health.Health;
import dev.pgcdc.common.metrics.SinkMetrics;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.kafka.OffsetTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's single loop thread: polls Kafka, collects records until {@code bulk_max_actions},
 * {@code bulk_max_bytes} or {@code flush_interval}, has the {@link Applier} apply them, and
 * commits per partition the position the {@link OffsetTracker} allows. While the applier waits
 * out a backoff, the loop's {@link #await} keeps polling with every partition paused, so the
 * group does not rebalance; records that still arrive (a newly assigned partition) are kept for
 * the next batch. Revoked partitions get their acknowledged positions committed in the rebalance
 * listener.
 *
 * <p>{@link #run()} runs on one thread; {@link #stop()} may be called from any thread (a signal
 * handler) and makes {@code run} return: a bulk request in flight finishes or fails, a batch not
 * yet acknowledged is abandoned, and only acknowledged positions are committed.
 */
public final class SinkLoop {

    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration STATS_EVERY = Duration.ofSeconds(30);
    private static final long LAG_EVERY_MS = 1000;

    private final Consumer<byte[], byte[]> consumer;
    private final EventMapper mapper;
    private final OffsetTracker offsets;
    private final List<String> topics;
    private final Pattern topicPattern;
    private final int maxActions;
    private final long maxBytes;
    private final Duration flushInterval;
    private final Clock clock;
    private final SinkMetrics metrics;
    private final Health health;
    private long nextLag;
    private final List<ConsumerRecord<byte[], byte[]>> carried = new ArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private Applier applier;
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    private volatile boolean stopping;
    private boolean waiting;

    public SinkLoop(Consumer<byte[], byte[]> consumer, EventMapper mapper, OffsetTracker offsets, List<String> topics,
                    Pattern topicPattern, int maxActions, long maxBytes, Duration flushInterval, Clock clock,
                    SinkMetrics metrics, Health health) {
        this.consumer = consumer;
        this.mapper = mapper;
        this.offsets = offsets;
        this.topics = List.copyOf(topics);
        this.topicPattern = topicPattern;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.flushInterval = flushInterval;
        this.clock = clock;
        this.metrics = metrics;
        this.health = health;
    }

    /** Set once before {@link #run()}; the applier's waiter is {@link #await}. */
    public void applier(Applier applier) {
        this.applier = applier;
    }

    public void run() {
        try {
            subscribe();
            applier.start();
            List<Pending> batch = new ArrayList<>();
            long batchBytes = 0;
            long deadline = Long.MAX_VALUE;
            long nextStats = clock.millis() + STATS_EVERY.toMillis();
            long appliedAtStats = 0;
            while (!stopping) {
                List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>(carried);
                carried.clear();
                long now = clock.millis();
                long timeout = batch.isEmpty() ? 1000 : Math.max(0, deadline - now);
                if (received.isEmpty()) {
                    try {
                        consumer.poll(Duration.ofMillis(timeout)).forEach(received::add);
                    } catch (WakeupException e) {
                        continue;
                    }
                    recordLag();
                }
                for (ConsumerRecord<byte[], byte[]> record : received) {
                    Pending pending = toPending(record);
                    if (batch.isEmpty()) {
                        deadline = clock.millis() + flushInterval.toMillis();
                    }
                    batch.add(pending);
                    batchBytes += pending.approximateBytes();
                }
                now = clock.millis();
                if (!batch.isEmpty() && (batch.size() >= maxActions || batchBytes >= maxBytes || now >= deadline)) {
                    applier.apply(batch);
                    batch = new ArrayList<>();
                    batchBytes = 0;
                    deadline = Long.MAX_VALUE;
                    commit(offsets.committable());
                    resumeAll();
                    markReady();
                }
                if (now >= nextStats) {
                    long applied = applier.applied();
                    log.info("applied {} events in the last {} s ({}/s), {} superseded, {} retried rounds in total",
                            applied - appliedAtStats, STATS_EVERY.toSeconds(),
                            (applied - appliedAtStats) / Math.max(1, STATS_EVERY.toSeconds()), applier.superseded(),
                            applier.retries());
                    appliedAtStats = applied;
                    nextStats = now + STATS_EVERY.toMillis();
                }
            }
        } catch (AbandonedException e) {
            log.info("stopping: abandoned the unacknowledged part of the current batch");
        } finally {
            try {
                commit(offsets.committable());
            } finally {
                finished.countDown();
            }
        }
    }

    /** Asks {@link #run()} to return; safe from any thread. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    public boolean isStopping() {
        return stopping;
    }

    /** Waits for {@link #run()} to return; false on timeout. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The applier's waiter: keeps the consumer polling, all partitions paused, for {@code delay}. */
    void await(Duration delay) {
        long end = clock.millis() + delay.toMillis();
        waiting = true;
        health.notReady("waiting " + delay.toMillis() + " ms to retry Elasticsearch (see the log)");
        try {
            consumer.pause(consumer.assignment());
            while (!stopping) {
                long left = end - clock.millis();
                if (left <= 0) {
                    return;
                }
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.min(left, 500)));
                    records.forEach(carried::add);
                } catch (WakeupException e) {
                    // stop() was called; the loop condition ends the wait
                }
            }
            throw new AbandonedException();
        } finally {
            waiting = false;
        }
    }

    /**
     * The number of partitions of {@code topic}, from the consumer's metadata, looked up once per
     * topic (a topic's partitions are fixed while the sink runs; see the README on adding some).
     * Loop thread only.
     */
    int partitionCount(String topic) {
        return partitionCounts.computeIfAbsent(topic, t -> consumer.partitionsFor(t).size());
    }

    private Pending toPending(ConsumerRecord<byte[], byte[]> record) {
        offsets.received(new TopicPartition(record.topic(), record.partition()), record.offset());
        try {
            ChangeEvent event = ChangeEventCodec.decode(record.value());
            return new Pending(record, mapper.plan(event), null);
        } catch (MalformedEventException e) {
            return new Pending(record, null, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Pending(record, null, "not a usable change event: " + e.getMessage());
        }
    }

    private void subscribe() {
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commit(offsets.committable(partitions));
                offsets.forget(partitions);
                partitions.forEach(p -> metrics.forgetPartition(p.topic(), p.partition()));
                log.info("partitions revoked: {}", partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                offsets.forget(partitions);
                partitions.forEach(p -> metrics.forgetPartition(p.topic(), p.partition()));
                log.warn("partitions lost (not committed): {}", partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (waiting) {
                    consumer.pause(partitions);
                }
                log.info("partitions assigned: {}", partitions);
                nextLag = 0;
                markReady();
            }
        };
        if (topicPattern != null) {
            consumer.subscribe(topicPattern, listener);
            log.info("subscribed to topics matching {}", topicPattern);
        } else {
            consumer.subscribe(topics, listener);
            log.info("subscribed to {}", topics);
        }
    }

    /** Ready once partitions are assigned and nothing waits for a retry. */
    private void markReady() {
        if (!waiting && !stopping) {
            health.ready("consuming " + (topicPattern != null ? "topics matching " + topicPattern : String.join(", ", topics))
                    + ", " + consumer.assignment().size() + " partitions assigned");
        }
    }

    /**
     * Publishes the consumer's lag per assigned partition, at most once a second. The consumer
     * knows it from its last fetch ({@code currentLag}); no request is sent.
     */
    private void recordLag() {
        long now = clock.millis();
        if (now < nextLag) {
            return;
        }
        nextLag = now + LAG_EVERY_MS;
        for (TopicPartition partition : consumer.assignment()) {
            java.util.OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                metrics.consumerLag(partition.topic(), partition.partition(), lag.getAsLong());
            }
        }
    }

    private void resumeAll() {
        if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> positions) {
        if (positions.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(positions, Duration.ofSeconds(10));
                offsets.committed(positions);
                metrics.committed();
                log.debug("committed {}", positions);
                return;
            } catch (WakeupException e) {
                // a stop() woke us; commit again, the next call does not throw
            } catch (KafkaException e) {
                // Not fatal: the positions are committed with the next batch, and a redelivery is harmless.
                log.warn("committing offsets failed ({}); they are committed with the next batch", e.toString());
                return;
            }
        }
    }
}
