package dev.pgcdc.replicator.pgoutput;

import java.util.Objects;

/**
 * The "before" image in an Update or Delete. With {@link Kind#KEY} ('K') only the replica identity
 * columns carry values and every other column is NULL; with {@link Kind#FULL} ('O', replica identity
 * FULL) every column carries its old value.
 */
public record OldTuple(Kind kind, TupleData tuple) {

    public enum Kind {
        KEY,
        FULL
    }

    public OldTuple {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tuple, "tuple");
    }
}
