package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.replicator.RetriableException;
import dev.pgcdc.replicator.event.RowLookup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.postgresql.PGStatement;

/**
 * {@link RowLookup} over the session's regular connection: one parameterised {@code SELECT} of the
 * asked columns by key, identifiers quoted. It reads what is committed now, which may be newer than
 * the change being mapped; {@link dev.pgcdc.replicator.event.TransactionAssembler} says why that is
 * fine. It must not be older: the walsender may send a transaction as soon as its commit record is
 * flushed, a moment before other sessions see it (the backend leaves the proc array after the
 * flush). So the query also asks whether its own snapshot sees the change's transaction, and is
 * run again until it does.
 *
 * <p>Called on the stream thread only. A failure is classified by {@link PgErrors}: a lost
 * connection is retriable, so the session ends and the next one streams again from the confirmed
 * position, sending the change again with the value read then; the change is never dropped.
 */
public final class JdbcRowLookup implements RowLookup {

    /** The moment between a commit's flush and its visibility is short; this only bounds a wait gone wrong. */
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
    private static final long VISIBILITY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * Whether the statement's snapshot sees transaction {@code ?} (32 bits): widened to the 64-bit
     * txid nearest the snapshot's xmax, since the epoch is not in the stream.
     */
    private static final String VISIBLE = "SELECT txid_visible_in_snapshot("
            + "x + (? - x % 4294967296 + 6442450944) % 4294967296 - 2147483648, snap) AS visible"
            + " FROM (SELECT snap, txid_snapshot_xmax(snap) AS x FROM (SELECT txid_current_snapshot() AS snap) s) q";

    private final Connection connection;

    public JdbcRowLookup(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<Map<String, String>> read(TableId table, long xid, Map<String, String> key, List<String> columns) {
        // One statement, hence one snapshot, for the visibility test and the row; the row's query
        // is a subselect so that its columns may have any names, "found" or "visible" included.
        String sql = "SELECT v.visible, r.* FROM (" + VISIBLE + ") v LEFT JOIN (SELECT true AS found, "
                + columns.stream().map(TableId::quote).collect(Collectors.joining(", "))
                + " FROM " + table.quoted() + " WHERE "
                + key.keySet().stream().map(column -> TableId.quote(column) + " = ?").collect(Collectors.joining(" AND "))
                + " LIMIT 2) r ON true";
        long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            // Never server-prepared, so pgjdbc asks for text results: the values must be in their
            // types' output form, as pgoutput sends them, not in a binary form read back as text.
            statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            statement.setLong(1, xid);
            int parameter = 2;
            for (String value : key.values()) {
                // Untyped: the server takes each parameter as its column's type and parses the text.
                statement.setObject(parameter++, value, Types.OTHER);
            }
            while (true) {
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return values(rs, columns);
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new RetriableException("transaction " + xid + " was streamed but is still not visible after "
                            + VISIBILITY_TIMEOUT.toSeconds() + " s; reading " + table + " again in a new session", null);
                }
                LockSupport.parkNanos(VISIBILITY_POLL_NANOS);
            }
        } catch (SQLException e) {
            throw PgErrors.classify("reading " + columns + " of " + table + " by the new key " + key.keySet(), e);
        }
    }

    /** Column 2 says whether a row was found, then come the columns; a second row means the key is not unique. */
    private static Optional<Map<String, String>> values(ResultSet rs, List<String> columns) throws SQLException {
        if (rs.getString(2) == null) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            values.put(columns.get(i), rs.getString(i + 3));
        }
        // Two rows share a configured key that is not unique: no telling which one moved.
        return rs.next() ? Optional.empty() : Optional.of(values);
    }
}
