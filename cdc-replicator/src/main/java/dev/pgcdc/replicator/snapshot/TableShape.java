package dev.pgcdc.replicator.snapshot;

import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.replicator.event.ColumnType;
import dev.pgcdc.replicator.event.ColumnTypes;
import dev.pgcdc.replicator.event.KeyResolver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table as the snapshot reads it, from the catalog: its columns with the same {@link ColumnType}s
 * (type OID and modifier) a Relation message would give, the event key chosen by the same rules as
 * for streamed changes ({@link KeyResolver}), the primary key used to cut chunks (empty: the table
 * is read whole), and the planner's row estimate ({@code pg_class.reltuples}).
 *
 * @param sqlTypes each column's type as {@code format_type} prints it, for casting key text back
 * @param chunkKey the primary key columns in key order; empty when the table has none
 * @param estimatedRows {@code reltuples}, or 0 when never analysed
 */
public record TableShape(TableId id, List<String> names, List<ColumnType> types, List<String> sqlTypes,
        List<String> keyColumns, List<String> chunkKey, List<Column> columns, long estimatedRows) {

    public TableShape {
        names = List.copyOf(names);
        types = List.copyOf(types);
        sqlTypes = List.copyOf(sqlTypes);
        keyColumns = List.copyOf(keyColumns);
        chunkKey = List.copyOf(chunkKey);
        columns = List.copyOf(columns);
    }

    /** Reads the shape; call inside the snapshot's transaction so it matches the rows read. */
    public static TableShape read(Connection connection, TableConfig table, ColumnTypes columnTypes) throws SQLException {
        TableId id = table.id();
        long oid;
        String identity;
        long estimate;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT c.oid, c.relreplident, c.reltuples::bigint FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            statement.setString(1, id.schema());
            statement.setString(2, id.table());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("table " + id + " does not exist");
                }
                oid = rs.getLong(1);
                identity = rs.getString(2);
                estimate = Math.max(0, rs.getLong(3));
            }
        }
        List<String> names = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        List<String> sqlTypes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT attname, atttypid, atttypmod, format_type(atttypid, atttypmod) FROM pg_attribute"
                        + " WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            statement.setLong(1, oid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    types.add(columnTypes.of((int) rs.getLong(2), rs.getInt(3)));
                    sqlTypes.add(rs.getString(4));
                }
            }
        }
        List<String> primaryKey = indexColumns(connection, oid, "i.indisprimary");
        List<String> identityColumns = switch (identity) {
            case "f" -> names;
            case "i" -> indexColumns(connection, oid, "i.indisreplident");
            case "d" -> primaryKey;
            default -> List.of();
        };
        List<String> key = KeyResolver.keyColumns(id.toString(), names, identityColumns, table.keyColumns(), primaryKey);
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            columns.add(new Column(names.get(i), types.get(i).name(), key.contains(names.get(i))));
        }
        return new TableShape(id, names, types, sqlTypes, key, primaryKey, columns, estimate);
    }

    private static List<String> indexColumns(Connection connection, long oid, String which) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                        + " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = ? AND " + which
                        + " ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            statement.setLong(1, oid);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            return columns;
        }
    }

    /** The columns as a quoted SQL select list. */
    String selectList() {
        return names.stream().map(TableShape::quote).collect(Collectors.joining(", "));
    }

    /** The chunk key as a quoted, comma-separated list (for ORDER BY and row comparisons). */
    String chunkKeyList() {
        return chunkKey.stream().map(TableShape::quote).collect(Collectors.joining(", "));
    }

    /** The SQL types of the chunk key columns, in key order. */
    List<String> chunkKeyTypes() {
        return chunkKey.stream().map(column -> sqlTypes.get(names.indexOf(column))).toList();
    }

    static String quote(String identifier) {
        return TableId.quote(identifier);
    }
}
