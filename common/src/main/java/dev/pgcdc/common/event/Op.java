package dev.pgcdc.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kind of change, with the code of the Debezium envelope ({@code c u d r t}), plus two
 * pgcdc markers that bracket a snapshot of a table. Events of a {@linkplain #tableWide() table-wide}
 * op carry no row and no key, and are sent to every partition of the table's topic, so that each
 * partition holds them in order with the row changes it carries.
 */
public enum Op {
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    /** A row read by a snapshot or backfill, not a change. */
    READ("r"),
    TRUNCATE("t"),
    /**
     * A snapshot of the table starts; its {@code source.commit_lsn} is the snapshot's consistent
     * point, the version every row of that snapshot carries. Informational: the snapshot's rows
     * follow, then {@link #SNAPSHOT_COMPLETED}.
     */
    SNAPSHOT_STARTED("snapshot_started"),
    /**
     * Every row of the snapshot that started at this {@code source.commit_lsn} has been sent before
     * this event, in every partition. A row older than that version that the snapshot did not
     * rewrite no longer exists: a consumer mirroring the table removes it (as for a truncate at
     * that version).
     */
    SNAPSHOT_COMPLETED("snapshot_completed");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** True for events about a whole table (truncate, snapshot markers): no row, no key, every partition. */
    public boolean tableWide() {
        return this == TRUNCATE || this == SNAPSHOT_STARTED || this == SNAPSHOT_COMPLETED;
    }

    @JsonCreator
    public static Op fromCode(String code) {
        for (Op op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op code '" + code
                + "' (expected one of c, u, d, r, t, snapshot_started, snapshot_completed)");
    }
}
