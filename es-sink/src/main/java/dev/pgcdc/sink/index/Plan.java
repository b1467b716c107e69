package dev.pgcdc.sink.index;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import java.util.List;

/**
 * What one change event does to Elasticsearch.
 *
 * @param mirrorIndex the table's mirror index
 * @param docId the row's document id; null for a truncate
 * @param version the change's row version
 * @param writes bulk items, applied in this order; the event counts as applied when all succeed
 * @param truncate true when, after {@code writes}, every mirror document older than
 *     {@code version} must be deleted (a truncate, or a completed snapshot)
 * @param columns the table's columns as the event describes them (for mappings)
 * @param table the captured table (for metrics)
 * @param commitTimeMs the commit time of the change's transaction, epoch milliseconds (for metrics)
 */
public record Plan(String mirrorIndex, String docId, Op op, RowVersion version, List<Write> writes, boolean truncate,
                   List<Column> columns, TableId table, long commitTimeMs) {

    public Plan {
        writes = List.copyOf(writes);
        columns = List.copyOf(columns);
    }

    /** True for inserts, updates and snapshot reads: writes that a newer delete or truncate supersedes. */
    public boolean writesRow() {
        return op == Op.CREATE || op == Op.UPDATE || op == Op.READ;
    }

    /** The same plan without its mirror-index writes (used when a newer delete or truncate is known). */
    public Plan withoutMirrorWrites() {
        return new Plan(mirrorIndex, docId, op, version,
                writes.stream().filter(w -> !w.index().equals(mirrorIndex)).toList(), truncate, columns, table, commitTimeMs);
    }
}
