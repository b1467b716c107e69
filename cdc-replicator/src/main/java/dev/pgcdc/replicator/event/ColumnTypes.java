package dev.pgcdc.replicator.event;

/**
 * Finds the {@link ColumnType} of a column. Called on the stream thread once per column of each
 * Relation message (not per row), so an implementation may query the database.
 */
@FunctionalInterface
public interface ColumnTypes {

    ColumnType of(int typeOid, int typeModifier);
}
