package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.replicator.FatalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, before streaming, everything that would otherwise fail later or silently: the server
 * version, {@code wal_level}, the role's REPLICATION attribute, each table's existence, privilege
 * and replica identity, the publication's table list and operations, free slots and walsenders,
 * and the status interval against {@code wal_sender_timeout}. Every problem found is reported at
 * once, one line each, saying what to run or set.
 */
public final class Prerequisites {

    private Prerequisites() {
    }

    /**
     * @param slot the slot, or null when the replicator will create it
     * @throws FatalException listing every problem
     * @throws SQLException when the checks cannot run (classify with {@link PgErrors})
     */
    public static ServerFacts check(Connection connection, PostgresConfig config, Duration statusInterval, SlotState slot)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        ServerFacts facts = collect(connection, config, statusInterval, slot, problems);
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("PostgreSQL is not ready for change capture ("
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):");
            for (String problem : problems) {
                message.append("\n  - ").append(problem);
            }
            throw new FatalException(message.toString());
        }
        return facts;
    }

    /**
     * The same checks as {@link #check}, each problem added to {@code problems} (one line each, the
     * fix after the last ": "), for the {@code check} command.
     *
     * @throws SQLException when the checks cannot run
     */
    public static ServerFacts collect(Connection connection, PostgresConfig config, Duration statusInterval,
            SlotState slot, List<String> problems) throws SQLException {
        int version;
        String walLevel;
        boolean replication;
        int maxSlots;
        int maxSenders;
        Duration walSenderTimeout;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT current_setting('server_version_num')::int, current_setting('wal_level'),"
                        + " (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user),"
                        + " current_setting('max_replication_slots')::int, current_setting('max_wal_senders')::int,"
                        + " (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_sender_timeout')");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            version = rs.getInt(1);
            walLevel = rs.getString(2);
            replication = rs.getBoolean(3);
            maxSlots = rs.getInt(4);
            maxSenders = rs.getInt(5);
            walSenderTimeout = Duration.ofMillis(rs.getLong(6));
        }
        if (version < 120000) {
            problems.add("PostgreSQL " + version / 10000 + " is not supported: use PostgreSQL 12 or later");
        }
        if (!"logical".equals(walLevel)) {
            problems.add("wal_level is '" + walLevel + "', logical decoding needs 'logical': run ALTER SYSTEM SET wal_level"
                    + " = logical; and restart PostgreSQL");
        }
        if (!replication) {
            problems.add("role '" + config.user() + "' lacks the REPLICATION attribute: run ALTER ROLE "
                    + quote(config.user()) + " WITH REPLICATION;");
        }
        if (!walSenderTimeout.isZero() && statusInterval.multipliedBy(3).compareTo(walSenderTimeout) > 0) {
            problems.add("replicator.status_interval (" + statusInterval.toMillis() + " ms) is more than a third of the"
                    + " server's wal_sender_timeout (" + walSenderTimeout.toMillis() + " ms): lower status_interval to at"
                    + " most " + walSenderTimeout.dividedBy(3).toMillis() + "ms");
        }
        Publication publication = Publication.read(connection, config.publicationName());
        for (TableConfig table : config.tables()) {
            checkTable(connection, config, table, publication, problems);
        }
        if (publication != null) {
            if (!publication.insert() || !publication.update() || !publication.delete()
                    || (version >= 110000 && !publication.truncate())) {
                problems.add("publication '" + config.publicationName() + "' does not publish every operation: run ALTER"
                        + " PUBLICATION " + quote(config.publicationName())
                        + " SET (publish = 'insert, update, delete, truncate');");
            }
            if (!config.adjustPublication()) {
                for (TableConfig table : config.tables()) {
                    if (!publication.includes(table.id())) {
                        problems.add("publication '" + config.publicationName() + "' does not include " + table.id()
                                + ": run ALTER PUBLICATION " + quote(config.publicationName()) + " ADD TABLE "
                                + table.id().quoted() + "; or set postgres.adjust_publication: true");
                    }
                }
            }
        }
        if (slot == null) {
            int slots = count(connection, "SELECT count(*) FROM pg_replication_slots");
            if (slots >= maxSlots) {
                problems.add("all " + maxSlots + " replication slots are in use (max_replication_slots): drop an unused"
                        + " slot (SELECT pg_drop_replication_slot('name')) or raise max_replication_slots and restart");
            }
        }
        int senders = count(connection, "SELECT count(*) FROM pg_stat_replication");
        if (senders >= maxSenders) {
            problems.add("all " + maxSenders + " walsenders are in use (max_wal_senders): raise max_wal_senders and restart"
                    + " PostgreSQL, or stop another replication client");
        }
        return new ServerFacts(version, walSenderTimeout);
    }

    private static void checkTable(Connection connection, PostgresConfig config, TableConfig table, Publication publication,
            List<String> problems) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT c.oid, c.relkind, c.relreplident, has_table_privilege(c.oid, 'SELECT'),"
                        + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ?")) {
            statement.setString(1, table.id().schema());
            statement.setString(2, table.id().table());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    problems.add("table " + table.id() + " does not exist in database '" + config.dbname()
                            + "': create it, or remove it from postgres.tables");
                    return;
                }
                long oid = rs.getLong(1);
                String kind = rs.getString(2);
                String identity = rs.getString(3);
                boolean select = rs.getBoolean(4);
                boolean primaryKey = rs.getBoolean(5);
                if (!"r".equals(kind) && !"p".equals(kind)) {
                    problems.add(table.id() + " is not a table (relkind '" + kind + "'): only tables can be captured");
                    return;
                }
                if (!select) {
                    problems.add("role '" + config.user() + "' may not read " + table.id() + ": run GRANT SELECT ON "
                            + table.id().quoted() + " TO " + quote(config.user()) + ";");
                }
                boolean hasIdentity = "f".equals(identity) || "i".equals(identity) || ("d".equals(identity) && primaryKey);
                if (!table.keyColumns().isEmpty()) {
                    Set<String> columns = columns(connection, oid);
                    for (String column : table.keyColumns()) {
                        if (!columns.contains(column)) {
                            problems.add("key_columns of " + table.id() + " names '" + column + "', which is not a column"
                                    + " of the table (it has " + columns + ")");
                        }
                    }
                }
                if (!hasIdentity) {
                    String fix = "run ALTER TABLE " + table.id().quoted() + " REPLICA IDENTITY FULL; or add a primary key";
                    if (table.keyColumns().isEmpty()) {
                        problems.add("table " + table.id() + " has neither a primary key nor REPLICA IDENTITY FULL, so"
                                + " updates and deletes cannot be captured: " + fix + " (key_columns can then pick the"
                                + " columns that identify a row)");
                    } else if (publication == null || !publication.includes(table.id())) {
                        problems.add("table " + table.id() + " has no replica identity; the replicator will not add it to"
                                + " the publication itself, because PostgreSQL would then reject UPDATE and DELETE on it: "
                                + fix + ", or (for an insert-only table) run ALTER PUBLICATION "
                                + quote(config.publicationName()) + " ADD TABLE " + table.id().quoted() + ";");
                    }
                }
            }
        }
    }

    private static Set<String> columns(Connection connection, long oid) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped")) {
            statement.setLong(1, oid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
