package dev.pgcdc.replicator.pg;

import dev.pgcdc.replicator.value.PgType;
import dev.pgcdc.replicator.value.TypeCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Types the built-in catalog does not know (enums, domains, user arrays and ranges, extension types
 * such as hstore), read from {@code pg_type} on first use of each OID and cached. Chain it behind
 * {@link dev.pgcdc.replicator.value.BuiltinTypeCatalog} with {@code orElse}.
 *
 * <p>Lookups run on the stream thread (Relation messages, first values of a type) over the
 * session's regular connection; an OID not found is not cached, so a type created later is found.
 */
public final class JdbcTypeCatalog implements TypeCatalog {

    private final Connection connection;
    private final String sql;
    private final Map<Integer, PgType> cache = new ConcurrentHashMap<>();

    public JdbcTypeCatalog(Connection connection, int serverVersion) {
        this.connection = connection;
        // Multiranges (and pg_range.rngmultitypid) exist from PostgreSQL 14 on.
        String multirange = serverVersion >= 140000
                ? " WHEN 'm' THEN (SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid)" : "";
        this.sql = "SELECT n.nspname, t.typname, t.typtype, t.typcategory,"
                + " CASE t.typtype WHEN 'r' THEN (SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid)"
                + multirange + " ELSE t.typelem END, t.typbasetype, t.typdelim"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ?";
    }

    @Override
    public Optional<PgType> lookup(int oid) {
        PgType cached = cache.get(oid);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, Integer.toUnsignedLong(oid));
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String kindCode = rs.getString(3);
                Optional<PgType.Kind> kind = PgType.Kind.of(kindCode.charAt(0));
                if (kind.isEmpty()) {
                    return Optional.empty();
                }
                PgType type = new PgType(oid, rs.getString(1), rs.getString(2), kind.get(), rs.getString(4).charAt(0),
                        (int) rs.getLong(5), (int) rs.getLong(6), rs.getString(7).charAt(0));
                cache.put(oid, type);
                return Optional.of(type);
            }
        } catch (SQLException e) {
            throw PgErrors.classify("reading type " + Integer.toUnsignedString(oid) + " from pg_type", e);
        }
    }
}
