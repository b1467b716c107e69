package dev.pgcdc.devstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Where a PostgreSQL server with {@code wal_level=logical} listens, and superuser credentials that work
 * for normal and replication connections (password authentication). Implemented by {@link PostgresServer}
 * and by the Testcontainers engine; the JDBC helpers here work with both. Thread-safe.
 */
public interface PostgresEndpoint {

    String host();

    int port();

    String superuser();

    String password();

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A new superuser connection to {@code database}; the caller closes it. */
    default Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", superuser());
        properties.setProperty("password", password());
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Runs each statement in order, auto-commit, as the superuser. */
    default void execute(String database, String... sql) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    /** Creates database {@code name} (a plain identifier, see {@link UniqueNames}). */
    default void createDatabase(String name) throws SQLException {
        execute("postgres", "CREATE DATABASE " + Identifiers.quote(name));
    }

    /** Creates a database no other test uses, named {@code prefix_...}, and returns its name. */
    default String createFreshDatabase(String prefix) throws SQLException {
        String name = UniqueNames.next(prefix);
        createDatabase(name);
        return name;
    }
}
