package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.replicator.pg.JdbcRowLookup;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An UPDATE that changes a row's key while its TOASTed columns stay as they are: PostgreSQL does not
 * send those values, and the {@code c} of the new key must carry them anyway, since its {@code d}
 * may land in another partition.
 */
@Timeout(120)
class KeyChangeToastIT {

    /** 12.8 kB of md5 text and 8 kB of random bytes: both stored out of line. */
    private static final String INSERT_LARGE = "INSERT INTO items SELECT 1, 'a', string_agg(md5(g::text), ''),"
            + " decode(string_agg(md5((-g)::text), ''), 'hex') FROM generate_series(1, 400) g";

    @Test
    void shouldReadAnUnchangedToastValueByTheNewKeyUnderTheDefaultReplicaIdentity() throws Exception {
        try (Scenario scenario = new Scenario("tkdef")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, big text, blob bytea)");
            scenario.start();
            scenario.awaitStreaming();
            // Each step waits for its events, so that the row is still under its new key when read.
            scenario.sql(INSERT_LARGE, "UPDATE items SET id = 2 WHERE id = 1");
            assertThat(scenario.events(3, Duration.ofSeconds(30))).hasSize(3);
            // One transaction: the value read by key 3 is already the newer one.
            scenario.sql("BEGIN; UPDATE items SET id = 3 WHERE id = 2; UPDATE items SET big = 'newer' WHERE id = 3;"
                    + " COMMIT");
            assertThat(scenario.events(6, Duration.ofSeconds(30))).hasSize(6);
            // One transaction: no row has key 4 any more when the change is mapped.
            scenario.sql("BEGIN; UPDATE items SET id = 4 WHERE id = 3; DELETE FROM items WHERE id = 4; COMMIT");

            List<ChangeEvent> events = scenario.events(9, Duration.ofSeconds(30));
            assertThat(events).extracting(e -> e.op().code() + " " + e.key())
                    .containsExactly("c {\"id\":1}", "d {\"id\":1}", "c {\"id\":2}", "d {\"id\":2}", "c {\"id\":3}",
                            "u {\"id\":3}", "d {\"id\":3}", "c {\"id\":4}", "d {\"id\":4}");
            ChangeEvent insert = events.get(0);
            assertThat(insert.after().get("big").asText()).hasSize(12_800);
            ChangeEvent moved = events.get(2);
            assertThat(moved.unchangedToast()).isEmpty();
            assertThat(moved.after().get("big")).as("read by the new key").isEqualTo(insert.after().get("big"));
            assertThat(moved.after().get("blob")).as("in the text form pgoutput sends")
                    .isEqualTo(insert.after().get("blob"));
            assertThat(moved.after().get("name").asText()).isEqualTo("a");

            ChangeEvent movedAgain = events.get(4);
            assertThat(movedAgain.after().get("big").asText()).as("newer than the change; the u after it agrees")
                    .isEqualTo("newer").isEqualTo(events.get(5).after().get("big").asText());
            assertThat(movedAgain.after().get("blob")).isEqualTo(insert.after().get("blob"));

            ChangeEvent movedThenDeleted = events.get(7);
            assertThat(movedThenDeleted.after().has("blob")).as("no row has key 4 any more: not invented").isFalse();
            assertThat(movedThenDeleted.unchangedToast()).containsExactly("blob");
        }
    }

    @Test
    void shouldTakeAnUnchangedToastValueFromTheOldRowUnderReplicaIdentityFull() throws Exception {
        try (Scenario scenario = new Scenario("tkfull")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, big text, blob bytea)",
                    "ALTER TABLE items REPLICA IDENTITY FULL");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql(INSERT_LARGE,
                    "BEGIN; UPDATE items SET id = 2 WHERE id = 1; UPDATE items SET big = 'newer' WHERE id = 2; COMMIT");

            List<ChangeEvent> events = scenario.events(4, Duration.ofSeconds(30));
            assertThat(events).extracting(e -> e.op().code() + " " + e.key())
                    .containsExactly("c {\"id\":1}", "d {\"id\":1}", "c {\"id\":2}", "u {\"id\":2}");
            ChangeEvent insert = events.get(0);
            ChangeEvent moved = events.get(2);
            assertThat(moved.unchangedToast()).isEmpty();
            assertThat(moved.after().get("big")).as("the old row's value as of the change, not the newer one")
                    .isEqualTo(insert.after().get("big"));
            assertThat(moved.after().get("blob")).isEqualTo(insert.after().get("blob"));
            assertThat(events.get(3).after().get("big").asText()).isEqualTo("newer");
        }
    }

    @Test
    void shouldSendTheKeyChangeAgainWithItsValueWhenTheLookupLosesItsConnection() throws Exception {
        try (Scenario scenario = new Scenario("tkconn")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, big text, blob bytea)");
            scenario.start();
            int walsender = scenario.awaitStreaming(0);
            scenario.sql(INSERT_LARGE);
            assertThat(scenario.events(1, Duration.ofSeconds(30))).hasSize(1);
            // The Relation of items was handled; the look-up is the next use of the regular connection.
            try (Connection connection = scenario.connect(); Statement statement = connection.createStatement();
                    var rs = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND application_name = 'pgcdc-replicator'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the replicator's regular connection").isEqualTo(1);
            }
            scenario.sql("UPDATE items SET id = 2 WHERE id = 1");

            assertThat(scenario.awaitStreaming(walsender)).as("a new session streams").isNotEqualTo(walsender);
            List<ChangeEvent> events = scenario.events(3, Duration.ofSeconds(30));
            ChangeEvent insert = events.get(0);
            List<ChangeEvent> creates = events.stream().filter(e -> e.key().toString().equals("{\"id\":2}")).toList();
            assertThat(creates).as("the key change's create, sent by the new session").isNotEmpty();
            for (ChangeEvent create : creates) {
                assertThat(create.unchangedToast()).isEmpty();
                assertThat(create.after().get("big")).isEqualTo(insert.after().get("big"));
                assertThat(create.after().get("blob")).isEqualTo(insert.after().get("blob"));
            }
        }
    }

    @Test
    void shouldNotReadByTheNewKeyBeforeTheChangesTransactionIsVisible() throws Exception {
        try (Scenario scenario = new Scenario("tkvis"); Connection writer = scenario.connect();
                Connection reader = scenario.connect()) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, big text, blob bytea)", INSERT_LARGE);
            writer.setAutoCommit(false);
            long xid;
            try (Statement statement = writer.createStatement()) {
                statement.execute("UPDATE items SET id = 2, big = 'moved' WHERE id = 1");
                var rs = statement.executeQuery("SELECT txid_current()");
                rs.next();
                xid = rs.getLong(1) & 0xFFFF_FFFFL; // pgoutput sends the 32-bit xid
            }
            JdbcRowLookup lookup = new JdbcRowLookup(reader);
            CompletableFuture<Optional<Map<String, String>>> read = CompletableFuture.supplyAsync(
                    () -> lookup.read(new TableId("public", "items"), xid, Map.of("id", "2"), List.of("big")));
            Thread.sleep(500);
            assertThat(read).as("transaction %d is not visible yet", xid).isNotDone();
            writer.commit();
            assertThat(read.get(10, TimeUnit.SECONDS)).contains(Map.of("big", "moved"));
            assertThat(lookup.read(new TableId("public", "items"), xid, Map.of("id", "1"), List.of("big")))
                    .as("no row has the old key").isEmpty();
        }
    }
}
