package dev.pgcdc.sink.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.Source;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a change event into the Elasticsearch writes that apply it. Pure: no I/O, thread-safe (each thread
 * writes documents with its own {@link DocumentWriter}).
 *
 * <h2>Versions and ordering</h2>
 * Every write is guarded by the row version ({@code source.commit_lsn}, {@code source.sequence}):
 * <ul>
 *   <li>Full-row writes (insert, snapshot read, update without unchanged TOAST columns) and
 *       deletes use {@code version=commit_lsn} with {@code version_type=external_gte}. Not plain
 *       {@code external}: two changes of one row in one transaction (an INSERT then an UPDATE)
 *       share the commit LSN, and {@code external} would reject the second as a conflict and leave
 *       the first (stale) document. With {@code external_gte} a change from an older transaction is
 *       rejected, and inside one transaction the order is the Kafka partition order, which Kafka
 *       guarantees (all changes of a row share a record key, hence a partition). A redelivery
 *       replays the partition in order too, so it ends in the same state.</li>
 *   <li>Updates with unchanged TOAST columns are {@link Write.PartialUpdate}s: the applier reads
 *       the stored document, does nothing when its ({@code commit_lsn}, {@code sequence}) is at or
 *       above the incoming one, and otherwise writes the stored document overlaid with the changed
 *       columns, again with {@code external_gte} (so unchanged TOAST values are kept, and no
 *       script is needed: scripting may be disabled or, as in minimal distributions, absent).
 *       Because every write carries the commit LSN as its external version, a 409 always means
 *       "a newer transaction's write is stored" and counts as success.</li>
 *   <li>A {@code snapshot_completed} marker is applied like a truncate at the snapshot's version
 *       ({@code commit_lsn}, sequence 0), once every partition has delivered it (see
 *       {@link SnapshotCompletions}): it writes the table's cut tombstone and deletes the mirror
 *       documents older than that version. Every snapshot row carries that version, so after the
 *       snapshot only documents of rows the snapshot did not see (deleted before it, e.g. while no
 *       slot captured changes) are older; newer documents (changes streamed after the consistent
 *       point, applied before or after) are kept. A {@code snapshot_started} marker writes nothing:
 *       removing documents when a snapshot starts would empty
 *       the index for as long as the snapshot runs.</li>
 *   <li>Deletes and truncates also write a tombstone (the row's, or the table's truncate mark) to
 *       the tombstone index. Elasticsearch forgets a deleted document's version after
 *       {@code index.gc_deletes} (60 s); the sink looks tombstones up before full-row writes, so an
 *       older insert replayed later still cannot bring a deleted row back.</li>
 * </ul>
 * The metadata object ({@code op}, {@code lsn}, {@code commit_lsn}, {@code sequence},
 * {@code commit_time}, {@code tx_id}, {@code snapshot}) is derived from the event alone, so a
 * replay writes byte-identical documents.
 */
public final class EventMapper {

    /** The {@code kind} of a deleted row's tombstone document. */
    public static final String ROW_TOMBSTONE_KIND = "delete";

    // The sink's hot path: full-row documents are streamed, one writer per thread (the mapper is shared).
    private static final ThreadLocal<DocumentWriter> DOCUMENTS = ThreadLocal.withInitial(DocumentWriter::new);

    private final IndexNames names;
    private final String metadataField;
    private final boolean changeLog;

    public EventMapper(IndexNames names, String metadataField, boolean changeLog) {
        this.names = names;
        this.metadataField = metadataField;
        this.changeLog = changeLog;
    }

    public String metadataField() {
        return metadataField;
    }

    public Plan plan(ChangeEvent event) {
        Source source = event.source();
        TableId table = new TableId(source.schema(), source.table());
        String mirror = names.mirror(table);
        RowVersion version = new RowVersion(source.commitLsn(), source.sequence());
        List<Write> writes = new ArrayList<>(3);
        String docId = null;
        boolean truncate = false;
        switch (event.op()) {
            case CREATE, READ, UPDATE -> {
                docId = DocumentIds.of(event.key());
                if (event.unchangedToast().isEmpty()) {
                    writes.add(new Write.VersionedIndex(mirror, docId, version,
                            DOCUMENTS.get().document(event, metadataField)));
                } else {
                    // The applier overlays this tree on the stored document; DocumentWriter writes the same members.
                    ObjectNode doc = event.after().deepCopy();
                    JsonColumns.wrapInPlace(doc, event.columns());
                    doc.set(metadataField, metadata(event));
                    writes.add(new Write.PartialUpdate(mirror, docId, version, doc));
                }
            }
            case DELETE -> {
                docId = DocumentIds.of(event.key());
                writes.add(new Write.VersionedDelete(mirror, docId, version));
                writes.add(new Write.VersionedIndex(names.tombstones(), IndexNames.rowTombstoneId(mirror, docId),
                        version, bytes(tombstone(event, mirror, docId, ROW_TOMBSTONE_KIND))));
            }
            case TRUNCATE, SNAPSHOT_COMPLETED -> {
                // A completed snapshot is a cut like a truncate at its version: every row that exists was
                // rewritten with that version (or is newer), so an older document is of a row that is gone.
                truncate = true;
                writes.add(new Write.VersionedIndex(names.tombstones(), IndexNames.truncateTombstoneId(mirror),
                        version, bytes(tombstone(event, mirror, null,
                                event.op() == Op.TRUNCATE ? "truncate" : "snapshot"))));
            }
            case SNAPSHOT_STARTED -> {
                // Nothing to write: the documents stay until the snapshot completes (no empty index meanwhile).
            }
        }
        // Markers share their version with the snapshot's rows, hence their change-log id: left out.
        if (changeLog && event.op() != Op.SNAPSHOT_STARTED && event.op() != Op.SNAPSHOT_COMPLETED) {
            writes.add(new Write.PlainIndex(names.changeLog(table), changeId(version),
                    bytes(changeDocument(event, docId))));
        }
        return new Plan(mirror, docId, event.op(), version, writes, truncate, event.columns(), table, source.tsMs());
    }

    /** Change-log document id: the commit LSN as 16 hex digits, '-', the sequence. Sorts like the versions. */
    public static String changeId(RowVersion version) {
        return String.format("%016x-%d", version.commitLsn(), version.sequence());
    }

    /** The metadata object; {@link DocumentWriter} writes the same members for full-row writes. */
    private ObjectNode metadata(ChangeEvent event) {
        Source source = event.source();
        ObjectNode meta = ChangeEventCodec.MAPPER.createObjectNode();
        meta.put("op", event.op().code());
        meta.put("lsn", source.lsn());
        meta.put("commit_lsn", source.commitLsn());
        meta.put("sequence", source.sequence());
        meta.put("commit_time", source.tsMs());
        if (source.txId() != null) {
            meta.put("tx_id", source.txId());
        }
        meta.put("snapshot", source.snapshot().text());
        return meta;
    }

    private static ObjectNode tombstone(ChangeEvent event, String mirror, String docId, String kind) {
        ObjectNode node = ChangeEventCodec.MAPPER.createObjectNode();
        node.put("kind", kind);
        node.put("index", mirror);
        if (docId != null) {
            node.put("doc_id", docId);
        }
        node.put("commit_lsn", event.source().commitLsn());
        node.put("sequence", event.source().sequence());
        node.put("commit_time", event.source().tsMs());
        return node;
    }

    private static ObjectNode changeDocument(ChangeEvent event, String docId) {
        Source source = event.source();
        ObjectNode node = ChangeEventCodec.MAPPER.createObjectNode();
        node.put("op", event.op().code());
        node.put("schema", source.schema());
        node.put("table", source.table());
        if (docId != null) {
            node.put("doc_id", docId);
        }
        node.put("commit_time", source.tsMs());
        node.put("event_time", event.tsMs());
        node.put("lsn", source.lsn());
        node.put("commit_lsn", source.commitLsn());
        node.put("sequence", source.sequence());
        if (source.txId() != null) {
            node.put("tx_id", source.txId());
        }
        node.put("snapshot", source.snapshot().text());
        node.set("before", event.before());
        node.set("after", event.after());
        if (!event.unchangedToast().isEmpty()) {
            node.set("unchanged_toast", ChangeEventCodec.MAPPER.valueToTree(event.unchangedToast()));
        }
        return node;
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return ChangeEventCodec.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
