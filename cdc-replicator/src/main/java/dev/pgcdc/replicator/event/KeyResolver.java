package dev.pgcdc.replicator.event;

import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the key columns of a table, in key order: the configured key columns when given;
 * else the primary key from the catalog (not the Relation message's key flags: under
 * {@code REPLICA IDENTITY FULL} every column is flagged); else the columns the Relation flags as
 * replica identity (a {@code USING INDEX} identity, or every column under {@code FULL}).
 *
 * <p>A catalog key is used only when each of its columns is in the Relation: when an old
 * transaction is replayed after a schema change, the catalog may describe a newer shape, and then
 * the Relation's own key flags are the better truth.
 */
public final class KeyResolver {

    private KeyResolver() {
    }

    /**
     * @return the key column names in key order; never empty
     * @throws IllegalStateException when the table has no usable key (the start-up checks prevent
     *     that, unless the table was altered while streaming)
     */
    public static List<String> keyColumns(Relation relation, List<String> configuredKey, List<String> primaryKey) {
        List<String> names = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        for (Relation.Column column : relation.columns()) {
            names.add(column.name());
            if (column.isKey()) {
                flagged.add(column.name());
            }
        }
        return keyColumns(relation.namespace() + "." + relation.name(), names, flagged, configuredKey, primaryKey);
    }

    /**
     * The same rules for a table described by the catalog (the snapshot reads tables, not Relation
     * messages).
     *
     * @param columns the table's column names
     * @param identityColumns the replica identity columns as pgoutput would flag them (every column
     *     under {@code FULL}, the index columns under {@code USING INDEX}, the primary key under
     *     {@code DEFAULT})
     */
    public static List<String> keyColumns(String table, List<String> columns, List<String> identityColumns,
            List<String> configuredKey, List<String> primaryKey) {
        if (!configuredKey.isEmpty()) {
            if (!columns.containsAll(configuredKey)) {
                throw new IllegalStateException("configured key_columns " + configuredKey + " of " + table
                        + " are not all columns of the table (it has " + columns + ")");
            }
            return List.copyOf(configuredKey);
        }
        if (!primaryKey.isEmpty() && columns.containsAll(primaryKey)) {
            return List.copyOf(primaryKey);
        }
        if (identityColumns.isEmpty()) {
            throw new IllegalStateException("table " + table
                    + " has no primary key, no replica identity and no configured key_columns; run ALTER TABLE "
                    + table + " REPLICA IDENTITY FULL or add a primary key");
        }
        return List.copyOf(identityColumns);
    }
}
