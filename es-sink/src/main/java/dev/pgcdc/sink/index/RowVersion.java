package dev.pgcdc.sink.index;

import dev.pgcdc.common.Lsn;

/**
 * The version of a row change: the LSN of its transaction's commit record, then its position
 * inside that transaction. Ordered like the changes happened in PostgreSQL.
 */
public record RowVersion(long commitLsn, long sequence) implements Comparable<RowVersion> {

    @Override
    public int compareTo(RowVersion other) {
        int byCommit = Long.compareUnsigned(commitLsn, other.commitLsn);
        return byCommit != 0 ? byCommit : Long.compare(sequence, other.sequence);
    }

    public boolean isNewerThan(RowVersion other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return new Lsn(commitLsn) + "#" + sequence;
    }
}
