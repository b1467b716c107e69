package dev.pgcdc.e2e.verify;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.pg.JdbcTypeCatalog;
import dev.pgcdc.replicator.value.BuiltinTypeCatalog;
import dev.pgcdc.replicator.value.ValueConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads one table the way the pipeline sees it: the columns pgoutput publishes (not dropped, not
 * generated), each value's text output converted by the replicator's own {@link ValueConverter}, and the
 * document id from the key columns. Rows stream through a cursor ({@code autocommit} off, a fetch size),
 * so the table's size does not matter. The connection must use the text protocol
 * ({@code prepareThreshold=0}) so that values arrive as the type's output function writes them, exactly
 * as pgoutput sends them; the constructor sets {@code extra_float_digits} on the session for the same
 * reason. Not thread-safe.
 */
public final class PgTable {

    record ColumnInfo(String name, int typeOid, String typeSql) {
    }

    /** OIDs of json, jsonb, json[] and jsonb[] (pg_type.dat): the types the sink maps with json_mapping. */
    private static final Set<Integer> JSON_TYPES = Set.of(114, 3802, 199, 3807);

    private final Connection connection;
    private final TableId table;
    private final List<ColumnInfo> columns;
    private final List<ColumnInfo> keyColumns;
    private final ValueConverter converter;

    /**
     * @param configuredKey the key columns from the table's configuration ({@code key_columns}); empty
     *     for the primary key (or the replica identity index)
     */
    public PgTable(Connection connection, TableId table, List<String> configuredKey) throws SQLException {
        this.connection = connection;
        this.table = table;
        try (Statement statement = connection.createStatement()) {
            // pgjdbc asks for extra_float_digits=3 (float4 3.4e38 prints as 3.40000005e+38); the walsender
            // that feeds the pipeline uses the server default, 1 since PostgreSQL 12: shortest exact text.
            statement.execute("SET extra_float_digits = 1");
        }
        this.columns = columns(connection, table);
        if (columns.isEmpty()) {
            throw new SQLException("table " + qualified(table) + " does not exist or has no columns");
        }
        List<String> keyNames = configuredKey.isEmpty() ? primaryKey(connection, table) : configuredKey;
        if (keyNames.isEmpty()) {
            throw new SQLException("table " + qualified(table) + " has no primary key or replica identity index;"
                    + " list its key_columns in the configuration");
        }
        List<ColumnInfo> keys = new ArrayList<>();
        for (String name : keyNames) {
            keys.add(columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
                    () -> new SQLException("key column " + name + " is not a column of " + qualified(table))));
        }
        this.keyColumns = List.copyOf(keys);
        int version = Integer.parseInt(scalar(connection, "SHOW server_version_num"));
        this.converter = new ValueConverter(BuiltinTypeCatalog.INSTANCE.orElse(new JdbcTypeCatalog(connection, version)));
    }

    /** The names of the columns whose values the sink maps with {@code json_mapping}. */
    public Set<String> jsonColumns() {
        Set<String> names = new LinkedHashSet<>();
        for (ColumnInfo column : columns) {
            if (JSON_TYPES.contains(column.typeOid())) {
                names.add(column.name());
            }
        }
        return names;
    }

    /** Streams every row as (document id, converted row) in no particular order. */
    public long forEachRow(int fetchSize, BiConsumer<String, ObjectNode> action) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        long count = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(fetchSize);
            try (ResultSet rs = statement.executeQuery("SELECT " + selectList() + " FROM " + qualified(table))) {
                while (rs.next()) {
                    ObjectNode row = convert(rs);
                    action.accept(DocumentId.of(key(row)), row);
                    count++;
                }
            }
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return count;
    }

    /** The row whose key columns have the values of {@code document}'s key fields, if any. */
    public Optional<JsonNode> rowFor(JsonNode document) {
        StringBuilder where = new StringBuilder();
        for (ColumnInfo key : keyColumns) {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(quote(key.name())).append(" = CAST(? AS ")
                    .append(key.typeSql()).append(')');
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + selectList() + " FROM "
                + qualified(table) + where)) {
            int i = 1;
            for (ColumnInfo key : keyColumns) {
                JsonNode value = document.get(key.name());
                if (value == null || value.isNull()) {
                    return Optional.empty();
                }
                statement.setString(i++, value.isValueNode() ? value.asText() : value.toString());
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(convert(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private ObjectNode convert(ResultSet rs) throws SQLException {
        ObjectNode row = ChangeEventCodec.MAPPER.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo column = columns.get(i);
            row.set(column.name(), converter.toJson(column.typeOid(), rs.getString(i + 1)));
        }
        return asTheSinkReadsIt(row);
    }

    /**
     * The row as the sink reads it from an event: the replicator carries jsonb and numeric values as
     * PostgreSQL's text (raw JSON), which the sink sees parsed.
     */
    private static ObjectNode asTheSinkReadsIt(ObjectNode row) {
        try {
            ByteArrayBuilder bytes = new ByteArrayBuilder();
            try (JsonGenerator generator = ChangeEventCodec.MAPPER.createGenerator(bytes)) {
                ChangeEventCodec.writeTree(generator, row);
            }
            return (ObjectNode) ChangeEventCodec.readTree(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot re-read a converted row", e);
        }
    }

    private ObjectNode key(ObjectNode row) {
        ObjectNode key = ChangeEventCodec.MAPPER.createObjectNode();
        for (ColumnInfo column : keyColumns) {
            key.set(column.name(), row.get(column.name()));
        }
        return key;
    }

    private String selectList() {
        StringBuilder out = new StringBuilder();
        for (ColumnInfo column : columns) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(quote(column.name()));
        }
        return out.toString();
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String qualified(TableId table) {
        return quote(table.schema()) + "." + quote(table.table());
    }

    private static List<ColumnInfo> columns(Connection connection, TableId table) throws SQLException {
        List<ColumnInfo> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                        + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped"
                        + " AND a.attgenerated = '' ORDER BY a.attnum")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(new ColumnInfo(rs.getString(1), (int) rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return List.copyOf(result);
    }

    private static List<String> primaryKey(Connection connection, TableId table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true"
                        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                        + " WHERE n.nspname = ? AND c.relname = ?"
                        + " AND i.indexrelid = COALESCE((SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid"
                        + " AND x.indisprimary), (SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid"
                        + " AND x.indisreplident)) ORDER BY k.ord")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String scalar(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
