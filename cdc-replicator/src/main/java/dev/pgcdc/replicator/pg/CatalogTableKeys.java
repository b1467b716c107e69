package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.replicator.event.TableKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TableKeys} from the configuration and the catalog: the primary key is read from
 * {@code pg_index} when a Relation message arrives (so a key added later is picked up).
 * Called on the stream thread only; uses the session's regular connection.
 */
public final class CatalogTableKeys implements TableKeys {

    private final Connection connection;
    private final Map<TableId, TableConfig> tables = new HashMap<>();

    public CatalogTableKeys(Connection connection, PostgresConfig config) {
        this.connection = connection;
        for (TableConfig table : config.tables()) {
            tables.put(table.id(), table);
        }
    }

    @Override
    public boolean captured(TableId table) {
        return tables.containsKey(table);
    }

    @Override
    public List<String> primaryKey(TableId table) {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname FROM pg_index i"
                        + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                        + " WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary"
                        + " ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            return columns;
        } catch (SQLException e) {
            throw PgErrors.classify("reading the primary key of " + table, e);
        }
    }

    @Override
    public List<String> configuredKey(TableId table) {
        TableConfig config = tables.get(table);
        return config == null ? List.of() : config.keyColumns();
    }
}
