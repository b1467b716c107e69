package dev.pgcdc.replicator.pg;

import dev.pgcdc.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * Opens JDBC connections to the captured database: a regular one (checks, catalog, heartbeat) and
 * a replication one ({@code replication=database}, simple query mode, as the streaming replication
 * protocol requires). Credentials go in properties, never in the URL, so they cannot show up in a
 * logged URL. Callable from any thread.
 */
public final class Connections {

    private final PostgresConfig config;

    public Connections(PostgresConfig config) {
        this.config = config;
    }

    public Connection regular(String applicationName) throws SQLException {
        Properties props = base(applicationName);
        Connection connection = DriverManager.getConnection(config.jdbcUrl(), props);
        connection.setAutoCommit(true);
        return connection;
    }

    /**
     * A connection for reading snapshot rows: autocommit off (so cursors stream), REPEATABLE READ,
     * read-only, and text results only, so every value arrives in the same text form pgoutput sends.
     */
    public Connection snapshot(String applicationName) throws SQLException {
        Properties props = base(applicationName);
        PGProperty.BINARY_TRANSFER.set(props, false);
        Connection connection = DriverManager.getConnection(config.jdbcUrl(), props);
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        return connection;
    }

    public Connection replication() throws SQLException {
        Properties props = base("pgcdc-replicator-stream");
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "12");
        // Reads are non-blocking polls; a socket timeout would only cut a healthy idle stream.
        PGProperty.SOCKET_TIMEOUT.set(props, 0);
        return DriverManager.getConnection(config.jdbcUrl(), props);
    }

    private Properties base(String applicationName) {
        Properties props = new Properties();
        props.putAll(config.properties().values());
        PGProperty.USER.set(props, config.user());
        if (config.password() != null) {
            PGProperty.PASSWORD.set(props, config.password().reveal());
        }
        PGProperty.APPLICATION_NAME.set(props, applicationName);
        int seconds = (int) Math.max(1, config.connectTimeout().toSeconds());
        PGProperty.CONNECT_TIMEOUT.set(props, seconds);
        PGProperty.LOGIN_TIMEOUT.set(props, seconds);
        PGProperty.TCP_KEEP_ALIVE.set(props, true);
        return props;
    }
}
