package dev.pgcdc.sink;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.MalformedEventException;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.health.Health;
import dev.pgcdc.common.metrics.SinkMetrics;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.kafka.OffsetTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * The sink's two threads. The loop thread polls Kafka, decodes and plans records into the next
 * batch, hands batches to the applier thread, and commits per partition the position the
 * {@link OffsetTracker} allows. The applier thread has the {@link Applier} apply one batch at a
 * time, in order. Up to two batches are handed over at once (the one being applied and one
 * queued), so the applier starts the next bulk request as soon as the last one is acknowledged,
 * without waiting for the loop thread to notice.
 *
 * <p>A batch is handed over when it holds a round of bulk requests ({@code bulk_max_actions} or
 * {@code bulk_max_bytes} times {@code max_in_flight_requests}); when the applier is idle and
 * {@code linger} passed since its first record; or, queued behind a batch being applied,
 * {@code flush_interval} after its first record. {@code linger} defaults to {@code flush_interval};
 * shorter, a change waits less at low rates, and under load a batch holds what arrived while the
 * previous bulk request ran. (With no linger at all, bulk requests stayed small under load: in the
 * bench's W2 at 10k events/s Elasticsearch then needed 70-80% of a core against 64% with requests of
 * 1000, and the sink fell behind.) When a full batch waits behind two handed ones,
 * every partition is paused and the loop keeps polling (the group does not rebalance); a backoff
 * of the applier (Elasticsearch unavailable) is waited out the same way. Records of revoked partitions are dropped from the
 * batch being built, and skipped by the applier in a queued one; their acknowledged positions are
 * committed in the rebalance listener. Offsets are committed asynchronously after each applied
 * batch, and synchronously at a rebalance and when the loop ends.
 *
 * <p>{@link #run()} runs on one thread (the loop thread); {@link #stop()} may be called from any
 * thread (a signal handler) and makes {@code run} return: a bulk request in flight finishes or
 * fails, a batch not yet acknowledged is abandoned, and only acknowledged positions are committed.
 */
public final class SinkLoop {

    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration STATS_EVERY = Duration.ofSeconds(30);
    private static final long LAG_EVERY_MS = 1000;
    /** Batches handed to the applier at a time: the one it applies and one queued, so it never waits for the loop. */
    private static final int HANDED_MAX = 2;

    private final Consumer<byte[], byte[]> consumer;
    private final EventMapper mapper;
    private final OffsetTracker offsets;
    private final List<String> topics;
    private final Pattern topicPattern;
    private final int maxActions;
    private final long maxBytes;
    private final Duration linger;
    private final Duration flushInterval;
    private final Clock clock;
    private final SinkMetrics metrics;
    private final Health health;
    private long nextLag;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Applier applier;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    /** The batch being built, and its approximate size; loop thread only. */
    private List<Pending> batch = new ArrayList<>();
    private long batchBytes;
    private volatile boolean stopping;
    /** Set when {@link #run} leaves (stop or failure): a waiting applier gives its batch up. */
    private volatile boolean leaving;
    private volatile boolean waiting;
    /** An asynchronous offset commit awaits its callback; loop thread only. */
    private boolean commitInFlight;

    public SinkLoop(Consumer<byte[], byte[]> consumer, EventMapper mapper, OffsetTracker offsets, List<String> topics,
                    Pattern topicPattern, int maxActions, long maxBytes, Duration linger, Duration flushInterval, Clock clock,
                    SinkMetrics metrics, Health health) {
        this.consumer = consumer;
        this.mapper = mapper;
        this.offsets = offsets;
        this.topics = List.copyOf(topics);
        this.topicPattern = topicPattern;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.linger = linger;
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
        ExecutorService applierThread = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "es-sink-applier");
            thread.setDaemon(true);
            return thread;
        });
        // Batches handed to the applier thread, oldest first: the one it applies and the one queued behind it.
        Deque<CompletableFuture<Void>> handed = new ArrayDeque<>(HANDED_MAX);
        Throwable failure = null;
        try {
            subscribe();
            applier.start();
            // When the batch being built started: it goes after linger if the applier is idle, after flush_interval if not.
            long firstAt = Long.MAX_VALUE;
            long nextStats = clock.millis() + STATS_EVERY.toMillis();
            long appliedAtStats = 0;
            while (!stopping) {
                boolean applied = false;
                while (!handed.isEmpty() && handed.peekFirst().isDone()) {
                    awaitApplied(handed.pollFirst());
                    applied = true;
                }
                if (applied) {
                    markReady();
                }
                commitAcknowledged();
                if (handed.size() < HANDED_MAX) {
                    resumeAll();
                }
                long now = clock.millis();
                boolean full = batch.size() >= maxActions || batchBytes >= maxBytes;
                long due = firstAt == Long.MAX_VALUE ? Long.MAX_VALUE
                        : firstAt + (handed.isEmpty() ? linger : flushInterval).toMillis();
                // Full batches go at once; a partial one once linger passed if the applier is idle, else flush_interval.
                if (handed.size() < HANDED_MAX && !batch.isEmpty() && (full || now >= due)) {
                    List<Pending> next = takeBatch();
                    firstAt = batch.isEmpty() ? Long.MAX_VALUE : now;
                    // Woken once the future is done (not before: the loop would find it running and poll on).
                    handed.addLast(CompletableFuture.runAsync(() -> {
                        if (leaving) {
                            throw new AbandonedException(); // queued when the sink stopped: not started
                        }
                        applier.apply(next);
                    }, applierThread).whenComplete((ignored, failed) -> consumer.wakeup()));
                    continue;
                }
                if (full) {
                    // The next batch waits for the applier: poll only to stay in the group.
                    consumer.pause(consumer.assignment());
                }
                // While the applier works, its wake-up ends the poll; the 100 ms cap is only a safety net.
                long timeout = handed.size() >= HANDED_MAX || batch.isEmpty() ? (handed.isEmpty() ? 1000 : 100)
                        : Math.min(100, Math.max(0, due - now));
                ConsumerRecords<byte[], byte[]> received;
                try {
                    received = consumer.poll(Duration.ofMillis(timeout));
                } catch (WakeupException e) {
                    continue;
                }
                recordLag();
                for (ConsumerRecord<byte[], byte[]> record : received) {
                    Pending pending = toPending(record);
                    if (batch.isEmpty()) {
                        firstAt = clock.millis();
                    }
                    batch.add(pending);
                    batchBytes += pending.approximateBytes();
                }
                now = clock.millis();
                if (now >= nextStats) {
                    long total = applier.applied();
                    log.info("applied {} events in the last {} s ({}/s), {} superseded, {} retried rounds in total",
                            total - appliedAtStats, STATS_EVERY.toSeconds(),
                            (total - appliedAtStats) / Math.max(1, STATS_EVERY.toSeconds()), applier.superseded(),
                            applier.retries());
                    appliedAtStats = total;
                    nextStats = now + STATS_EVERY.toMillis();
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            leaving = true;
            try {
                // The batch being applied finishes (or gives up in a backoff); a queued one is not started.
                for (CompletableFuture<Void> future : handed) {
                    awaitApplied(future);
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            } finally {
                try {
                    commitSync(offsets.committable());
                } finally {
                    applierThread.shutdownNow();
                    finished.countDown();
                }
            }
        }
    }

    /**
     * The batch to hand over: at most bulk_max_actions records (a poll may bring more; a tail of a few
     * records would cost a bulk request of its own). The rest starts the next batch.
     */
    private List<Pending> takeBatch() {
        List<Pending> taken = batch;
        batch = new ArrayList<>();
        if (taken.size() > maxActions) {
            batch.addAll(taken.subList(maxActions, taken.size()));
            taken = new ArrayList<>(taken.subList(0, maxActions));
        }
        batchBytes = batch.stream().mapToLong(Pending::approximateBytes).sum();
        return taken;
    }

    /**
     * Waits for a batch handed to the applier; rethrows what failed it. An abandoned batch (the sink
     * stopped while the applier waited out a backoff, or before the batch started) is not a failure:
     * its unacknowledged part is redelivered.
     */
    private void awaitApplied(Future<?> applying) {
        try {
            boolean interrupted = false;
            while (true) {
                try {
                    applying.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AbandonedException) {
                log.info("stopping: abandoned the unacknowledged part of the current batch");
                return;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("the applier failed", cause);
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

    /**
     * The applier's waiter, on the applier thread: waits {@code delay} while the loop thread keeps
     * polling (pausing every partition once the next batch is full); throws {@link AbandonedException}
     * when the sink stops meanwhile.
     */
    void await(Duration delay) {
        long end = clock.millis() + delay.toMillis();
        waiting = true;
        health.notReady("waiting " + delay.toMillis() + " ms to retry Elasticsearch (see the log)");
        try {
            while (!stopping && !leaving) {
                long left = end - clock.millis();
                if (left <= 0) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(left, 50)));
            }
            throw new AbandonedException();
        } finally {
            waiting = false;
        }
    }

    /**
     * The number of partitions of {@code topic}, from the consumer's metadata, looked up once per
     * topic (a topic's partitions are fixed while the sink runs; see the README on adding some) by
     * the loop thread when it plans a completed-snapshot marker of the topic. Any thread.
     */
    int partitionCount(String topic) {
        Integer count = partitionCounts.get(topic);
        if (count == null) {
            throw new IllegalStateException("no partition count of " + topic + " was looked up before its marker");
        }
        return count;
    }

    private int lookUpPartitionCount(String topic) {
        while (true) {
            try {
                return consumer.partitionsFor(topic).size();
            } catch (WakeupException e) {
                // The applier finished a batch, or stop() was called: the loop sees to either on its next turn.
            }
        }
    }

    private Pending toPending(ConsumerRecord<byte[], byte[]> record) {
        offsets.received(new TopicPartition(record.topic(), record.partition()), record.offset());
        try {
            ChangeEvent event = ChangeEventCodec.decode(record.value());
            if (event.op() == Op.SNAPSHOT_COMPLETED) {
                // The consumer belongs to this thread; the applier reads the count from the cache.
                partitionCounts.computeIfAbsent(record.topic(), this::lookUpPartitionCount);
            }
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
                // Not applied yet: the partitions' new owner reads them again from the committed position.
                dropFromBatch(partitions);
                commitSync(offsets.committable(partitions));
                offsets.forget(partitions);
                partitions.forEach(p -> metrics.forgetPartition(p.topic(), p.partition()));
                log.info("partitions revoked: {}", partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                dropFromBatch(partitions);
                offsets.forget(partitions);
                partitions.forEach(p -> metrics.forgetPartition(p.topic(), p.partition()));
                log.warn("partitions lost (not committed): {}", partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                applier.partitionsAssigned();
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

    private void dropFromBatch(Collection<TopicPartition> partitions) {
        if (batch.removeIf(pending -> partitions.contains(pending.partition()))) {
            batchBytes = batch.stream().mapToLong(Pending::approximateBytes).sum();
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

    /**
     * Commits what the applier acknowledged since the last commit, without waiting: the callback
     * comes in a later poll. One commit is in flight at a time; a failed one is repeated by the next
     * (the positions stay committable), and a redelivery meanwhile is harmless.
     */
    private void commitAcknowledged() {
        if (commitInFlight) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> positions = offsets.committable();
        if (positions.isEmpty()) {
            return;
        }
        commitInFlight = true;
        consumer.commitAsync(positions, (committed, exception) -> {
            commitInFlight = false;
            if (exception == null) {
                offsets.committed(committed);
                metrics.committed();
                log.debug("committed {}", committed);
            } else {
                log.warn("committing offsets failed ({}); committing them again with the next batch", exception.toString());
            }
        });
    }

    /** Commits and waits (at a rebalance and when leaving), so the next owner starts where this sink ended. */
    private void commitSync(Map<TopicPartition, OffsetAndMetadata> positions) {
        if (positions.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                consumer.commitSync(positions, Duration.ofSeconds(10));
                offsets.committed(positions);
                metrics.committed();
                log.debug("committed {}", positions);
                return;
            } catch (WakeupException e) {
                // the applier finished a batch, or stop() woke us; the next call commits
            } catch (KafkaException e) {
                // Not fatal: a redelivery of what was applied is harmless.
                log.warn("committing offsets failed ({}); their events may be delivered again", e.toString());
                return;
            }
        }
        log.warn("committing offsets was interrupted by wake-ups 10 times; their events may be delivered again");
    }
}
