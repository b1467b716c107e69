package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.replicator.event.RowLookup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postgresql.PGStatement;

/**
 * {@link RowLookup} over the session's regular connection: one parameterised {@code SELECT} of the
 * asked columns by key, identifiers quoted. It reads what is committed now, which may be newer than
 * the change being mapped; {@link dev.pgcdc.replicator.event.TransactionAssembler} says why that is
 * fine.
 *
 * <p>Called on the stream thread only. A failure is classified by {@link PgErrors}: a lost
 * connection is retriable, so the session ends and the next one streams again from the confirmed
 * position, sending the change again with the value read then; the change is never dropped.
 */
public final class JdbcRowLookup implements RowLookup {

    private final Connection connection;

    public JdbcRowLookup(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<Map<String, String>> read(TableId table, Map<String, String> key, List<String> columns) {
        String sql = "SELECT " + columns.stream().map(TableId::quote).collect(Collectors.joining(", "))
                + " FROM " + table.quoted() + " WHERE "
                + key.keySet().stream().map(column -> TableId.quote(column) + " = ?").collect(Collectors.joining(" AND "))
                + " LIMIT 2";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            // Never server-prepared, so pgjdbc asks for text results: the values must be in their
            // types' output form, as pgoutput sends them, not in a binary form read back as text.
            statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            int parameter = 1;
            for (String value : key.values()) {
                // Untyped: the server takes each parameter as its column's type and parses the text.
                statement.setObject(parameter++, value, Types.OTHER);
            }
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, String> values = new HashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.put(columns.get(i), rs.getString(i + 1));
                }
                // Two rows share a configured key that is not unique: no telling which one moved.
                return rs.next() ? Optional.empty() : Optional.of(values);
            }
        } catch (SQLException e) {
            throw PgErrors.classify("reading " + columns + " of " + table + " by the new key " + key.keySet(), e);
        }
    }
}
