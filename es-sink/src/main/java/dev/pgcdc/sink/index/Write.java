package dev.pgcdc.sink.index;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One item of a bulk request, independent of the Elasticsearch client's types so that the
 * event-to-operation mapping stays pure and testable.
 */
public sealed interface Write {

    String index();

    String id();

    /** Rough size in a bulk request body, for the {@code bulk_max_bytes} limit. */
    long approximateBytes();

    /**
     * Index a whole document with {@code version=commit_lsn, version_type=external_gte}: applied
     * when the stored version is at most the incoming one.
     */
    record VersionedIndex(String index, String id, RowVersion version, byte[] source) implements Write {
        @Override
        public long approximateBytes() {
            return source.length + index.length() + id.length() + 100L;
        }
    }

    /** Delete with {@code version=commit_lsn, version_type=external_gte}. */
    record VersionedDelete(String index, String id, RowVersion version) implements Write {
        @Override
        public long approximateBytes() {
            return index.length() + id.length() + 100L;
        }
    }

    /**
     * An update with unchanged TOAST columns: {@code doc} holds the changed columns and the new
     * metadata. Never sent as is: the applier reads the stored document (realtime GET), drops the
     * update when the stored (commit_lsn, sequence) is at or above {@code version}, and otherwise
     * sends the stored document overlaid with {@code doc} as a {@link VersionedIndex}. So the
     * unchanged columns keep their stored values and no script (painless) is needed.
     */
    record PartialUpdate(String index, String id, RowVersion version, ObjectNode doc) implements Write {
        @Override
        public long approximateBytes() {
            return index.length() + id.length() + 100L + doc.size() * 64L;
        }
    }

    /** Index without a version: for documents that are the same on every replay (change log). */
    record PlainIndex(String index, String id, byte[] source) implements Write {
        @Override
        public long approximateBytes() {
            return source.length + index.length() + id.length() + 60L;
        }
    }
}
