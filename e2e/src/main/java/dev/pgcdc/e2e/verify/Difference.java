package dev.pgcdc.e2e.verify;

/**
 * One way a table and its index disagree.
 *
 * @param kind what is wrong
 * @param id the Elasticsearch document id of the row
 * @param detail for {@code MISSING} the row, for {@code EXTRA} the document, for {@code DIFFERENT} the
 *     fields that differ ({@code field: postgres=... elasticsearch=...}); never null
 */
public record Difference(Kind kind, String id, String detail) {

    public enum Kind {
        /** A row with no document. */
        MISSING,
        /** A document with no row. */
        EXTRA,
        /** A document whose fields (without the metadata field) differ from the row's. */
        DIFFERENT
    }

    @Override
    public String toString() {
        return kind + " " + id + ": " + detail;
    }
}
