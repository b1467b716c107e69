package dev.pgcdc.replicator.event;

import dev.pgcdc.common.config.TableId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads some columns of a row as the table holds it now, by key. {@link TransactionAssembler} asks
 * only for an update that changes the row's key while PostgreSQL left TOASTed values out of the new
 * row (see the consistency rule there), never for ordinary changes. Called on the stream thread; an
 * implementation may query the database.
 */
@FunctionalInterface
public interface RowLookup {

    /**
     * @param xid the (32-bit) id of the transaction that made the change: what is read includes it
     * @param key the key columns' values in their types' text output form (as pgoutput sends them),
     *     by column name, in key order; no value is null
     * @param columns the columns to read
     * @return the columns' values in their types' text output form by name, a null value for SQL
     *     NULL; empty when no row, or more than one, has that key now
     * @throws RuntimeException a failure already classified as retriable or fatal
     */
    Optional<Map<String, String>> read(TableId table, long xid, Map<String, String> key, List<String> columns);
}
