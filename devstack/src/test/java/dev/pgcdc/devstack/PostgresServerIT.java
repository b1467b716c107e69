package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EnginesExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresServerIT {

    @Test
    void pgoutputSlotDecodesOneInsertMessagePerInsertedRow(PostgresEndpoint pg) throws SQLException {
        String db = pg.createFreshDatabase("decoding");
        String slot = UniqueNames.next("slot");
        pg.execute(db,
                "CREATE TABLE orders (id int PRIMARY KEY, note text)",
                "CREATE PUBLICATION orders_pub FOR TABLE orders",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try {
            pg.execute(db, "INSERT INTO orders VALUES (1, 'first'), (2, 'second'), (3, 'third')");

            List<byte[]> messages = new ArrayList<>();
            try (Connection connection = pg.connect(db); Statement statement = connection.createStatement();
                    ResultSet changes = statement.executeQuery("SELECT data FROM pg_logical_slot_peek_binary_changes('"
                            + slot + "', NULL, NULL, 'proto_version', '1', 'publication_names', 'orders_pub')")) {
                while (changes.next()) {
                    messages.add(changes.getBytes(1));
                }
            }

            List<Character> tags = messages.stream().map(m -> (char) m[0]).toList();
            assertThat(tags).as("pgoutput message tags: Begin, Relation, three Inserts, Commit")
                    .containsExactly('B', 'R', 'I', 'I', 'I', 'C');
            List<String> notes = messages.stream().filter(m -> m[0] == 'I').map(m -> textColumn(m, 1)).toList();
            assertThat(notes).as("the 'note' column of each decoded Insert").containsExactly("first", "second", "third");
        } finally {
            // A slot left behind would retain WAL on the shared server for the rest of the run.
            pg.execute(db, "SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @Test
    void replicationConnectionAcceptsTheSuperuserPasswordAndRejectsAWrongOne(PostgresEndpoint pg) throws SQLException {
        String db = pg.createFreshDatabase("replication");

        try (Connection connection = DriverManager.getConnection(pg.jdbcUrl(db), replicationProperties(pg.superuser(),
                pg.password())); Statement statement = connection.createStatement();
                ResultSet system = statement.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(system.next()).as("IDENTIFY_SYSTEM returns a row").isTrue();
            assertThat(system.getString("dbname")).isEqualTo(db);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(db), replicationProperties(pg.superuser(),
                "wrong-password")).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                        .as("SQLSTATE of a failed password authentication").isEqualTo("28P01"));
    }

    @Test
    void stopAndStartKeepPortAndCommittedRows() throws SQLException {
        try (PostgresServer pg = PostgresServer.builder().setting("max_wal_senders", "7").start()) {
            int port = pg.port();
            pg.execute("postgres", "CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (1), (2)");

            pg.stop(PostgresServer.Mode.FAST);
            assertThat(pg.isRunning()).as("running after stop(FAST)").isFalse();
            assertThatThrownBy(() -> pg.connect("postgres").close()).isInstanceOf(SQLException.class);
            pg.start();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(count(pg, "SELECT count(*) FROM kept")).as("rows after a fast restart").isEqualTo(2);

            pg.execute("postgres", "INSERT INTO kept VALUES (3)");
            pg.stop(PostgresServer.Mode.IMMEDIATE);
            pg.start();
            assertThat(count(pg, "SELECT count(*) FROM kept")).as("rows after crash recovery").isEqualTo(3);
            assertThat(count(pg, "SELECT setting::int FROM pg_settings WHERE name = 'max_wal_senders'"))
                    .as("extra setting from the builder").isEqualTo(7);
            assertThat(pg.binDir().resolve("pgbench")).isExecutable();
            assertThat(pg.binDir().resolve("pg_recvlogical")).isExecutable();
        }
    }

    @Test
    void closeKillsServerAndBackendsAndDeletesTheDataDirectory() throws Exception {
        PostgresServer pg = PostgresServer.builder().start();
        Path instanceDir = pg.dataDir().getParent();
        long postmaster = pg.pid();
        try (Connection open = pg.connect("postgres"); Statement statement = open.createStatement();
                ResultSet backend = statement.executeQuery("SELECT pg_backend_pid()")) {
            backend.next();
            long backendPid = backend.getLong(1);

            pg.close();

            assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).as("postmaster").isEmpty();
            assertThat(ProcessHandle.of(backendPid).filter(ProcessHandle::isAlive)).as("backend").isEmpty();
        }
        assertThat(instanceDir).doesNotExist();
        assertThatThrownBy(pg::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void serverThatCannotStartIsReportedWithItsLogAndLeavesNothingBehind() {
        assertThatThrownBy(() -> PostgresServer.builder().setting("shared_buffers", "plenty").start())
                .isInstanceOfSatisfying(EngineStartException.class, e -> {
                    assertThat(e.getMessage()).startsWith("PostgreSQL: exited")
                            .contains("invalid value for parameter \"shared_buffers\"");
                    assertThat(instanceDirNamedIn(e.getMessage())).doesNotExist();
                });
    }

    static Path instanceDirNamedIn(String message) {
        int start = message.indexOf("--- last lines of ") + "--- last lines of ".length();
        return Path.of(message.substring(start, message.indexOf(" ---", start))).getParent();
    }

    private static Properties replicationProperties(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("replication", "database");
        properties.setProperty("assumeMinServerVersion", "10");
        properties.setProperty("preferQueryMode", "simple");
        return properties;
    }

    private static long count(PostgresEndpoint pg, String sql) throws SQLException {
        try (Connection connection = pg.connect("postgres"); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /**
     * Column {@code index} of a pgoutput Insert message as text: 'I', relation oid (int32), 'N', then
     * TupleData (int16 column count, per column a kind byte and for 't' an int32 length and the bytes). See
     * https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
     */
    private static String textColumn(byte[] insert, int index) {
        ByteBuffer buffer = ByteBuffer.wrap(insert);
        buffer.position(1 + 4 + 1);
        short columns = buffer.getShort();
        for (int column = 0; column < columns; column++) {
            byte kind = buffer.get();
            if (kind != 't') {
                continue; // 'n' null, 'u' unchanged TOAST: no value bytes
            }
            byte[] value = new byte[buffer.getInt()];
            buffer.get(value);
            if (column == index) {
                return new String(value, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("insert message has no text column " + index);
    }
}
