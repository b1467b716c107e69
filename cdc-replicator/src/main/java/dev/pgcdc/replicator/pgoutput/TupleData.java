package dev.pgcdc.replicator.pgoutput;

import java.util.List;

/**
 * The column values of one row as pgoutput sent them, in the column order of the latest
 * {@link PgOutputMessage.Relation} for the table. Dropped and generated columns are not included.
 */
public record TupleData(List<ColumnValue> values) {

    public TupleData {
        values = List.copyOf(values);
    }

    public int size() {
        return values.size();
    }

    /** Returns the value at the zero-based column index; throws IndexOutOfBoundsException if absent. */
    public ColumnValue get(int index) {
        return values.get(index);
    }
}
