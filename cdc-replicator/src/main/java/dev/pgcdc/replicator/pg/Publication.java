package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.replicator.FatalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A publication as the catalog shows it, and the one place that creates or adjusts it. An existing
 * publication is left alone unless {@code postgres.adjust_publication} is set; then its table list
 * is made exactly the configured tables. A role without the right to create it (the least-privilege
 * set-up: creating a publication needs ownership of the tables) gets a {@link FatalException} naming
 * the statement the owner must run.
 */
public record Publication(String name, boolean allTables, boolean insert, boolean update, boolean delete,
        boolean truncate, Set<TableId> tables) {

    private static final Logger LOG = LoggerFactory.getLogger(Publication.class);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    public Publication {
        tables = Set.copyOf(tables);
    }

    public boolean includes(TableId table) {
        return allTables || tables.contains(table);
    }

    /** Reads the publication, or returns null when it does not exist. */
    public static Publication read(Connection connection, String name) throws SQLException {
        boolean all;
        boolean insert;
        boolean update;
        boolean delete;
        boolean truncate;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT puballtables, pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                all = rs.getBoolean(1);
                insert = rs.getBoolean(2);
                update = rs.getBoolean(3);
                delete = rs.getBoolean(4);
                truncate = rs.getBoolean(5);
            }
        }
        Set<TableId> tables = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return new Publication(name, all, insert, update, delete, truncate, tables);
    }

    /**
     * Creates the publication for the configured tables when it is missing; with
     * {@code adjust_publication}, makes an existing one list exactly those tables. Run after
     * {@link Prerequisites}, which refuses tables that must not be added.
     */
    public static void ensure(Connection connection, PostgresConfig config) throws SQLException {
        Publication existing = read(connection, config.publicationName());
        List<TableId> wanted = config.tables().stream().map(TableConfig::id).toList();
        String tableList = wanted.stream().map(TableId::quoted).collect(Collectors.joining(", "));
        String quotedName = Prerequisites.quote(config.publicationName());
        if (existing == null) {
            String create = "CREATE PUBLICATION " + quotedName + " FOR TABLE " + tableList;
            try (Statement statement = connection.createStatement()) {
                statement.execute(create);
            } catch (SQLException e) {
                if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    throw new FatalException("publication '" + config.publicationName() + "' does not exist and role '"
                            + config.user() + "' may not create it (SQLSTATE 42501: " + firstLine(e) + "); as the owner"
                            + " of the tables, run: " + create + ";", e);
                }
                throw e;
            }
            LOG.info("created publication {} for {}", config.publicationName(), wanted);
            return;
        }
        if (config.adjustPublication() && !existing.allTables() && !existing.tables().equals(Set.copyOf(wanted))) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER PUBLICATION " + quotedName + " SET TABLE " + tableList);
            }
            LOG.info("adjusted publication {}: tables {} (were {})", config.publicationName(), wanted, existing.tables());
        }
    }

    private static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
