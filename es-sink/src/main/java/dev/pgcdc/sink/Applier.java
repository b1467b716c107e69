package dev.pgcdc.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.metrics.SinkMetrics;
import dev.pgcdc.common.retry.Backoff;
import dev.pgcdc.sink.es.BulkWriter;
import dev.pgcdc.sink.es.EsUnavailableException;
import dev.pgcdc.sink.es.IndexAdmin;
import dev.pgcdc.sink.es.Outcome;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.index.IndexNames;
import dev.pgcdc.sink.index.Plan;
import dev.pgcdc.sink.index.RowVersion;
import dev.pgcdc.sink.index.SnapshotCompletions;
import dev.pgcdc.sink.index.SnapshotCompletions.Decision;
import dev.pgcdc.sink.index.Write;
import dev.pgcdc.sink.kafka.DeadLetters;
import dev.pgcdc.sink.kafka.OffsetTracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of received records to Elasticsearch and marks each record finished in the
 * {@link OffsetTracker} only once all its writes are acknowledged (or it was dead-lettered).
 *
 * <p>Per batch: records that are not change events go to the dead-letter topic; new columns get
 * their mappings; row writes superseded by a newer tombstone are dropped; the writes of one
 * document (from one partition) are coalesced to its newest, so at most one write per document is in
 * flight and a retried older write can never land after a newer one (see {@link WriteTask}); the
 * writes go out in bulk requests of at most {@code bulk_max_actions} items / {@code bulk_max_bytes};
 * items that failed retriably (429, 5xx, connection errors) are retried alone, with jittered
 * exponential backoff, forever; during the backoff the {@link Waiter} keeps the consumer polling
 * with its partitions paused. A 409 means a newer version is stored and counts as success (see
 * {@link dev.pgcdc.sink.index.EventMapper}). Partial updates (unchanged TOAST columns) are resolved
 * against the stored document first; a batch is cut before a partial update of a document an
 * earlier record of the batch writes, so the read sees that write. An item Elasticsearch
 * rejects for good dead-letters its event. A truncate (or a completed snapshot, applied the same
 * way) splits the batch: what came before is applied first, then the truncate, then the rest. A
 * completed snapshot cuts only once its marker is applied in every partition of its topic, by
 * whichever sink applies the last one ({@link SnapshotCompletions}); the marker's offset is
 * finished only after its record, and the cut when it made one, are acknowledged, so a redelivery
 * records and decides again.
 *
 * <p>Called from one thread at a time: the sink's applier thread (and the loop thread before it
 * starts, for {@link #start}); {@link #partitionsAssigned} from any thread.
 */
public final class Applier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    /** Waits out a backoff delay while the consumer keeps polling; throws when the sink stops. */
    @FunctionalInterface
    public interface Waiter {
        void await(Duration delay) throws AbandonedException;
    }

    private final BulkWriter writer;
    private final IndexAdmin admin;
    private final IndexNames names;
    private final String metadataField;
    private final DeadLetters deadLetters;
    private final OffsetTracker offsets;
    private final Backoff backoff;
    private final int maxActions;
    private final long maxBytes;
    /** Sends a round's further bulk requests while the first is in flight; null when one at a time. */
    private final ExecutorService bulkRequests;
    private final Waiter waiter;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final ToIntFunction<String> partitionCount;
    /** A truncate or completed-snapshot cut exists: row writes are checked against their table's cut. */
    private boolean cutsExist = true;
    /** A row tombstone (a delete) exists: row writes are checked against their row's tombstone. */
    private boolean rowTombstonesExist = true;
    /** Partitions were assigned since the last look: another sink may have written tombstones for them. */
    private volatile boolean lookAgain;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong superseded = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    /**
     * @param partitionCount the number of partitions of a topic (a completed snapshot cuts once every
     *     partition has delivered its marker); called on the loop thread
     */
    public Applier(BulkWriter writer, IndexAdmin admin, IndexNames names, String metadataField, DeadLetters deadLetters,
                   OffsetTracker offsets, Backoff backoff, int maxActions, long maxBytes, int maxInFlight, Waiter waiter,
                   SinkMetrics metrics, Clock clock, ToIntFunction<String> partitionCount) {
        this.writer = writer;
        this.admin = admin;
        this.names = names;
        this.metadataField = metadataField;
        this.deadLetters = deadLetters;
        this.offsets = offsets;
        this.backoff = backoff;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.bulkRequests = maxInFlight <= 1 ? null : Executors.newFixedThreadPool(maxInFlight, task -> {
            Thread thread = new Thread(task, "es-sink-bulk");
            thread.setDaemon(true);
            return thread;
        });
        this.waiter = waiter;
        this.metrics = metrics;
        this.clock = clock;
        this.partitionCount = partitionCount;
    }

    /**
     * Looks whether any cut and any row tombstone exists, so that look-ups can be skipped until the
     * first truncate or delete (and row look-ups, one per written row, while only cuts exist).
     */
    public void start() {
        lookForTombstones();
    }

    /**
     * Partitions were assigned: the tombstones their previous owner wrote count from the next segment
     * on. Any thread.
     */
    public void partitionsAssigned() {
        lookAgain = true;
    }

    private void lookForTombstones() {
        lookAgain = false;
        cutsExist = retrying("counting tombstones", () -> admin.hasDocuments(names.tombstones()));
        rowTombstonesExist = cutsExist && retrying("counting row tombstones",
                () -> admin.hasDocuments(names.tombstones(), "kind", EventMapper.ROW_TOMBSTONE_KIND));
    }

    /** Stops the bulk-request threads (a request in flight is abandoned with its connection). Any thread. */
    @Override
    public void close() {
        if (bulkRequests != null) {
            bulkRequests.shutdownNow();
        }
    }

    /** Events applied (written or superseded) since start; thread-safe read. */
    public long applied() {
        return applied.get();
    }

    public long superseded() {
        return superseded.get();
    }

    public long retries() {
        return retries.get();
    }

    public void apply(List<Pending> batch) {
        List<Pending> segment = new ArrayList<>();
        Set<String> touched = new java.util.HashSet<>();
        for (Pending pending : batch) {
            if (!offsets.owns(pending.partition())) {
                continue; // revoked while the batch was queued: the partition's new owner reads it again
            }
            Plan plan = pending.plan();
            if (plan != null && plan.truncate()) {
                applySegment(segment);
                segment.clear();
                touched.clear();
                applyTruncate(pending);
                continue;
            }
            if (plan != null && plan.docId() != null) {
                String doc = plan.mirrorIndex() + "/" + plan.docId();
                // A partial update reads the stored document: earlier writes of that document must be applied first.
                if (isPartial(plan) && touched.contains(doc)) {
                    applySegment(segment);
                    segment.clear();
                    touched.clear();
                }
                touched.add(doc);
            }
            segment.add(pending);
        }
        applySegment(segment);
    }

    private static boolean isPartial(Plan plan) {
        return plan.writes().stream().anyMatch(w -> w instanceof Write.PartialUpdate);
    }

    private void applySegment(List<Pending> segment) {
        List<Pending> live = new ArrayList<>(segment.size());
        for (Pending pending : segment) {
            if (pending.poison() != null) {
                deadLetters.send(pending.record(), pending.poison());
                metrics.deadLettered();
                offsets.finished(pending.partition(), pending.record().offset());
            } else {
                live.add(pending);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        ensureMappings(live);
        if (lookAgain) {
            lookForTombstones();
        }
        if (cutsExist || rowTombstonesExist) {
            live = dropSuperseded(live);
        }
        live = resolvePartialUpdates(live);
        for (Pending done : runWrites(live)) {
            offsets.finished(done.partition(), done.record().offset());
            applied.incrementAndGet();
            metrics.applied(done.plan().table(), done.plan().op(), done.plan().commitTimeMs());
        }
    }

    private void applyTruncate(Pending truncate) {
        cutsExist = true;
        Plan plan = truncate.plan();
        if (plan.op() == Op.SNAPSHOT_COMPLETED) {
            Decision decision = recordSnapshotCompleted(truncate);
            if (decision == null) {
                return; // dead-lettered
            }
            if (decision != Decision.CUT) {
                finished(truncate);
                return;
            }
        }
        if (runWrites(List.of(truncate)).isEmpty()) {
            return; // dead-lettered
        }
        long deleted = retrying("truncating " + plan.mirrorIndex(),
                () -> admin.deleteOlderThan(plan.mirrorIndex(), metadataField, plan.version()));
        log.info("{} of {} at {} removed {} documents", plan.op() == Op.TRUNCATE ? "truncate" : "completed snapshot",
                plan.mirrorIndex(), plan.version(), deleted);
        finished(truncate);
    }

    private void finished(Pending pending) {
        offsets.finished(pending.partition(), pending.record().offset());
        applied.incrementAndGet();
        metrics.applied(pending.plan().table(), pending.plan().op(), pending.plan().commitTimeMs());
    }

    /**
     * Records that the marker's partition has completed the snapshot, then decides from every
     * partition's record whether this one cuts (see {@link SnapshotCompletions}); null when the
     * record was rejected and the marker dead-lettered.
     */
    private Decision recordSnapshotCompleted(Pending marker) {
        Plan plan = marker.plan();
        String topic = marker.record().topic();
        int partition = marker.record().partition();
        Write record = SnapshotCompletions.record(names.tombstones(), plan.mirrorIndex(), plan.version(), topic, partition,
                plan.commitTimeMs());
        Pending recording = new Pending(marker.record(), new Plan(plan.mirrorIndex(), null, plan.op(), plan.version(),
                List.of(record), false, plan.columns(), plan.table(), plan.commitTimeMs()), null);
        if (runWrites(List.of(recording)).isEmpty()) {
            return null;
        }
        int partitions = partitionCount.applyAsInt(topic);
        Map<String, RowVersion> stored = retrying("reading the snapshot records of " + plan.mirrorIndex(),
                () -> admin.versions(names.tombstones(),
                        SnapshotCompletions.idsToRead(plan.mirrorIndex(), plan.version(), topic, partitions)));
        Decision decision = SnapshotCompletions.decide(stored, plan.mirrorIndex(), plan.version(), topic, partitions);
        switch (decision) {
            case WAIT -> log.info("snapshot of {} at {} completed in partition {} of {}; the cut waits for partitions {}",
                    plan.mirrorIndex(), plan.version(), partition, topic,
                    SnapshotCompletions.missing(stored, plan.mirrorIndex(), plan.version(), topic, partitions));
            case SUPERSEDED -> log.info("snapshot of {} at {} completed in partition {} of {}; a newer cut is already applied",
                    plan.mirrorIndex(), plan.version(), partition, topic);
            case CUT -> log.info("snapshot of {} at {} completed in all {} partitions of {}; cutting",
                    plan.mirrorIndex(), plan.version(), partitions, topic);
        }
        return decision;
    }

    private void ensureMappings(List<Pending> live) {
        Map<String, Map<String, Column>> columnsByIndex = new LinkedHashMap<>();
        String lastIndex = null;
        List<Column> lastColumns = null;
        for (Pending pending : live) {
            // Events of one table usually share their columns list (the decoder reuses an equal one).
            if (pending.plan().columns() == lastColumns && pending.plan().mirrorIndex().equals(lastIndex)) {
                continue;
            }
            lastIndex = pending.plan().mirrorIndex();
            lastColumns = pending.plan().columns();
            Map<String, Column> columns = columnsByIndex.computeIfAbsent(pending.plan().mirrorIndex(), k -> new LinkedHashMap<>());
            for (Column column : pending.plan().columns()) {
                columns.putIfAbsent(column.name(), column);
            }
        }
        columnsByIndex.forEach((index, columns) -> retrying("mapping " + index, () -> {
            admin.ensureColumns(index, List.copyOf(columns.values()));
            return null;
        }));
    }

    /**
     * Turns each partial update into a full versioned write of the stored document overlaid with the
     * changed columns, or drops it when the stored document is at or above its version. A missing
     * document gets the changed columns alone: better a row without its unchanged TOAST columns than
     * no row (the next full write of the row completes it).
     */
    private List<Pending> resolvePartialUpdates(List<Pending> live) {
        Map<String, List<String>> idsByIndex = new LinkedHashMap<>();
        for (Pending pending : live) {
            for (Write write : pending.plan().writes()) {
                if (write instanceof Write.PartialUpdate partial) {
                    idsByIndex.computeIfAbsent(partial.index(), k -> new ArrayList<>()).add(partial.id());
                }
            }
        }
        if (idsByIndex.isEmpty()) {
            return live;
        }
        Map<String, Map<String, ObjectNode>> stored = new LinkedHashMap<>();
        idsByIndex.forEach((index, ids) -> stored.put(index,
                retrying("reading documents for partial updates", () -> admin.sources(index, ids))));
        List<Pending> result = new ArrayList<>(live.size());
        for (Pending pending : live) {
            Plan plan = pending.plan();
            if (!isPartial(plan)) {
                result.add(pending);
                continue;
            }
            List<Write> writes = new ArrayList<>();
            for (Write write : plan.writes()) {
                if (write instanceof Write.PartialUpdate partial) {
                    ObjectNode current = stored.get(partial.index()).get(partial.id());
                    if (current != null && !partial.version().isNewerThan(storedVersion(current))) {
                        superseded.incrementAndGet();
                        metrics.superseded();
                        continue;
                    }
                    ObjectNode merged = current == null ? partial.doc().deepCopy() : current.deepCopy();
                    merged.setAll(partial.doc());
                    writes.add(new Write.VersionedIndex(partial.index(), partial.id(), partial.version(), bytes(merged)));
                } else {
                    writes.add(write);
                }
            }
            result.add(new Pending(pending.record(), new Plan(plan.mirrorIndex(), plan.docId(), plan.op(), plan.version(),
                    writes, plan.truncate(), plan.columns(), plan.table(), plan.commitTimeMs()), null));
        }
        return result;
    }

    private RowVersion storedVersion(ObjectNode document) {
        var meta = document.path(metadataField);
        return new RowVersion(meta.path("commit_lsn").asLong(0), meta.path("sequence").asLong(0));
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return ChangeEventCodec.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serialises", e);
        }
    }

    private List<Pending> dropSuperseded(List<Pending> live) {
        Set<String> ids = new LinkedHashSet<>();
        for (Pending pending : live) {
            Plan plan = pending.plan();
            if (plan.writesRow()) {
                if (rowTombstonesExist) {
                    ids.add(IndexNames.rowTombstoneId(plan.mirrorIndex(), plan.docId()));
                }
                if (cutsExist) {
                    ids.add(IndexNames.truncateTombstoneId(plan.mirrorIndex()));
                }
            }
        }
        if (ids.isEmpty()) {
            return live;
        }
        Map<String, RowVersion> tombstones = retrying("looking up tombstones",
                () -> admin.versions(names.tombstones(), List.copyOf(ids)));
        if (tombstones.isEmpty()) {
            return live;
        }
        List<Pending> result = new ArrayList<>(live.size());
        for (Pending pending : live) {
            Plan plan = pending.plan();
            if (plan.writesRow() && (newer(tombstones.get(IndexNames.rowTombstoneId(plan.mirrorIndex(), plan.docId())), plan)
                    || newer(tombstones.get(IndexNames.truncateTombstoneId(plan.mirrorIndex())), plan))) {
                superseded.incrementAndGet();
                metrics.superseded();
                result.add(new Pending(pending.record(), plan.withoutMirrorWrites(), null));
            } else {
                result.add(pending);
            }
        }
        return result;
    }

    private static boolean newer(RowVersion tombstone, Plan plan) {
        return tombstone != null && tombstone.isNewerThan(plan.version());
    }

    /**
     * Writes every item's writes until each is acknowledged or its event dead-lettered; returns the
     * applied items. At most one write per document is in flight ({@link WriteTask#coalesce}): an
     * acknowledged write also acknowledges the other writes of its document it stands in for.
     */
    private List<Pending> runWrites(List<Pending> items) {
        Map<Pending, int[]> remaining = new IdentityHashMap<>();
        Set<Pending> dead = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Pending item : items) {
            remaining.put(item, new int[] {item.plan().writes().size()});
            if (item.plan().writes().stream().anyMatch(w -> w.index().equals(names.tombstones()))) {
                // Set before the write is sent: a later segment must not skip the look-up it makes necessary.
                if (item.plan().op() == Op.DELETE) {
                    rowTombstonesExist = true;
                } else {
                    cutsExist = true; // a truncate, a completed snapshot, or its partition's record
                }
            }
        }
        List<WriteTask> queue = WriteTask.coalesce(items);
        int attempt = 0;
        while (!queue.isEmpty()) {
            List<WriteTask> round = queue;
            queue = new ArrayList<>();
            boolean backOff = false;
            String lastProblem = null;
            // The round's chunks go out together, up to max_in_flight_requests at once: they share no
            // document (one write per document per segment), so their order does not matter.
            List<List<WriteTask>> chunks = chunks(round, dead);
            List<CompletableFuture<Sent>> sent = new ArrayList<>(chunks.size());
            for (List<WriteTask> chunk : chunks) {
                sent.add(bulkRequests == null ? CompletableFuture.completedFuture(send(chunk))
                        : CompletableFuture.supplyAsync(() -> send(chunk), bulkRequests));
            }
            for (int c = 0; c < chunks.size(); c++) {
                List<WriteTask> chunk = chunks.get(c);
                Sent result = joined(sent.get(c));
                if (result.outcomes() == null) {
                    queue.addAll(chunk);
                    backOff = true;
                    lastProblem = result.problem();
                    continue;
                }
                List<Outcome> outcomes = result.outcomes();
                for (int i = 0; i < chunk.size(); i++) {
                    WriteTask task = chunk.get(i);
                    Outcome outcome = outcomes.get(i);
                    switch (outcome.kind()) {
                        case APPLIED -> acknowledged(task, remaining);
                        case CONFLICT -> {
                            // Every write carries its commit LSN as external version: a newer one is stored.
                            superseded.incrementAndGet();
                            metrics.superseded();
                            acknowledged(task, remaining);
                        }
                        case RETRY -> {
                            queue.add(task);
                            backOff = true;
                            lastProblem = outcome.reason();
                        }
                        case REJECTED -> {
                            if (dead.add(task.owner())) {
                                deadLetters.send(task.owner().record(), "elasticsearch rejected the " + describe(task.write())
                                        + " of " + task.write().index() + "/" + task.write().id() + " (HTTP " + outcome.status()
                                        + "): " + outcome.reason());
                                metrics.deadLettered();
                                offsets.finished(task.owner().partition(), task.owner().record().offset());
                            }
                            // The next best change of this document it stood in for still has to be applied.
                            if (task.replaced() != null) {
                                queue.add(task.replaced());
                            }
                        }
                    }
                }
            }
            if (backOff && !queue.isEmpty()) {
                retries.incrementAndGet();
                metrics.retry();
                Duration delay = backoff.delay(++attempt, ThreadLocalRandom.current().nextDouble());
                log.warn("{} writes not acknowledged by Elasticsearch ({}); retrying them in {} ms (attempt {})",
                        queue.size(), lastProblem, delay.toMillis(), attempt);
                waiter.await(delay);
            }
        }
        List<Pending> done = new ArrayList<>();
        for (Pending item : items) {
            if (!dead.contains(item) && remaining.get(item)[0] <= 0) {
                done.add(item);
            }
        }
        return done;
    }

    /**
     * The round's writes in chunks of at most {@code bulk_max_actions} items and {@code bulk_max_bytes}
     * (a single larger write goes alone), leaving out writes of records dead-lettered meanwhile.
     */
    private List<List<WriteTask>> chunks(List<WriteTask> round, Set<Pending> dead) {
        List<List<WriteTask>> chunks = new ArrayList<>();
        List<WriteTask> chunk = new ArrayList<>();
        long bytes = 0;
        for (WriteTask task : round) {
            WriteTask live = withoutDeadOwners(task, dead);
            if (live == null) {
                continue;
            }
            long size = live.write().approximateBytes();
            if (!chunk.isEmpty() && (chunk.size() >= maxActions || bytes + size > maxBytes)) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(live);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** One bulk request; on the applier thread or a bulk-request thread. Never throws for an outage. */
    private Sent send(List<WriteTask> chunk) {
        long chunkBytes = 0;
        List<Write> writes = new ArrayList<>(chunk.size());
        for (WriteTask task : chunk) {
            writes.add(task.write());
            chunkBytes += task.write().approximateBytes();
        }
        long started = clock.millis();
        try {
            List<Outcome> outcomes = writer.write(writes);
            metrics.bulk(Duration.ofMillis(clock.millis() - started), chunk.size(), chunkBytes, true);
            return new Sent(outcomes, null);
        } catch (EsUnavailableException e) {
            metrics.bulk(Duration.ofMillis(clock.millis() - started), chunk.size(), chunkBytes, false);
            return new Sent(null, e.getMessage());
        }
    }

    /** The request's result; a failure other than an outage (auth, a bug) is rethrown as it was thrown. */
    private static Sent joined(CompletableFuture<Sent> request) {
        try {
            return request.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** A bulk request's item outcomes, or (outcomes null) why the whole request failed and may succeed later. */
    private record Sent(List<Outcome> outcomes, String problem) {
    }

    /** The write itself, or when its record was dead-lettered the best write it replaced of a live record; null when none. */
    private static WriteTask withoutDeadOwners(WriteTask task, Set<Pending> dead) {
        WriteTask live = task;
        while (live != null && dead.contains(live.owner())) {
            live = live.replaced();
        }
        return live;
    }

    /** Counts {@code task} and every write it stands in for as done; those as superseded. */
    private void acknowledged(WriteTask task, Map<Pending, int[]> remaining) {
        remaining.get(task.owner())[0]--;
        for (WriteTask replaced : task.superseded()) {
            remaining.get(replaced.owner())[0]--;
            superseded.incrementAndGet();
            metrics.superseded();
        }
    }

    private static String describe(Write write) {
        return write instanceof Write.VersionedDelete ? "delete" : "document";
    }

    private interface Call<T> {
        T call() throws EsUnavailableException;
    }

    private <T> T retrying(String what, Call<T> call) {
        int attempt = 0;
        while (true) {
            try {
                return call.call();
            } catch (EsUnavailableException e) {
                retries.incrementAndGet();
                metrics.retry();
                Duration delay = backoff.delay(++attempt, ThreadLocalRandom.current().nextDouble());
                log.warn("{} failed ({}); retrying in {} ms", what, e.getMessage(), delay.toMillis());
                waiter.await(delay);
            }
        }
    }
}
