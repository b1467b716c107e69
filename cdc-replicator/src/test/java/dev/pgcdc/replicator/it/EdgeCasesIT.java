package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.replicator.FatalException;
import dev.pgcdc.replicator.pg.Prerequisites;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class EdgeCasesIT {

    @Test
    void shouldLeaveAnUnchangedToastValueOutAndMoveARowWhoseKeyChangesAndTruncateEveryPartition() throws Exception {
        try (Scenario scenario = new Scenario("edge")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, bio text)");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items SELECT 1, 'a', string_agg(md5(g::text), '') FROM generate_series(1, 400) g",
                    "UPDATE items SET name = 'b' WHERE id = 1",
                    "UPDATE items SET id = 2 WHERE id = 1",
                    "INSERT INTO items VALUES (3, 'c', 'short')",
                    "TRUNCATE items",
                    "INSERT INTO items VALUES (4, 'd', 'after truncate')");

            List<ConsumerRecord<byte[], byte[]>> records = scenario.records(9, Duration.ofSeconds(30));
            List<ChangeEvent> events = scenario.events(9, Duration.ofSeconds(5));
            assertThat(events).extracting(e -> e.op().code() + " " + e.key())
                    .containsExactly("c {\"id\":1}", "u {\"id\":1}", "d {\"id\":1}", "c {\"id\":2}", "c {\"id\":3}",
                            "t null", "t null", "t null", "c {\"id\":4}");
            ChangeEvent insert = events.get(0);
            assertThat(insert.after().get("bio").asText()).hasSize(12_800);
            ChangeEvent update = events.get(1);
            assertThat(update.after().has("bio")).as("an unchanged TOASTed value is not invented or nulled").isFalse();
            assertThat(update.unchangedToast()).containsExactly("bio");
            assertThat(update.after().get("name").asText()).isEqualTo("b");
            ChangeEvent moved = events.get(3);
            assertThat(events.get(2).source().txId()).as("delete and create come from one update")
                    .isEqualTo(moved.source().txId());
            assertThat(moved.after().get("name").asText()).isEqualTo("b");
            Set<Integer> truncatePartitions = records.stream()
                    .filter(r -> ChangeEventCodec.decode(r.value()).op() == Op.TRUNCATE)
                    .map(ConsumerRecord::partition).collect(Collectors.toSet());
            assertThat(truncatePartitions).as("a truncate reaches every partition").containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    @Test
    void shouldCaptureATableWithoutPrimaryKeyUnderReplicaIdentityFull() throws Exception {
        try (Scenario scenario = new Scenario("nopk").tables("[public.items, {name: public.keyed, key_columns: [code]}]")) {
            scenario.sql("CREATE TABLE items (a int, b text)", "ALTER TABLE items REPLICA IDENTITY FULL",
                    "CREATE TABLE keyed (code text, qty int)", "ALTER TABLE keyed REPLICA IDENTITY FULL");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (1, 'x')", "UPDATE items SET b = 'y'", "DELETE FROM items",
                    "INSERT INTO keyed VALUES ('k1', 1)", "UPDATE keyed SET qty = 2", "DELETE FROM keyed");

            List<ChangeEvent> events = scenario.events(7, Duration.ofSeconds(30));
            assertThat(events).extracting(e -> e.op().code() + " " + e.source().table() + " " + e.key())
                    .as("without a primary key every column is the key, so an update moves the row")
                    .containsExactly("c items {\"a\":1,\"b\":\"x\"}", "d items {\"a\":1,\"b\":\"x\"}",
                            "c items {\"a\":1,\"b\":\"y\"}", "d items {\"a\":1,\"b\":\"y\"}",
                            "c keyed {\"code\":\"k1\"}", "u keyed {\"code\":\"k1\"}", "d keyed {\"code\":\"k1\"}");
            assertThat(Scenario.json(events.get(5).before())).isEqualTo("{\"code\":\"k1\",\"qty\":1}");
        }
    }

    @Test
    void shouldRefuseATableWithoutPrimaryKeyOrReplicaIdentityAndSayHowToFixIt() throws Exception {
        try (Scenario scenario = new Scenario("noid").tables("[public.items, public.missing]")) {
            scenario.sql("CREATE TABLE items (a int, b text)");
            try (Connection connection = scenario.connect()) {
                assertThatThrownBy(() -> Prerequisites.check(connection, scenario.config().postgres(),
                        Duration.ofSeconds(1), null))
                        .isInstanceOf(FatalException.class)
                        .hasMessageContaining("2 problems")
                        .hasMessageContaining("ALTER TABLE \"public\".\"items\" REPLICA IDENTITY FULL")
                        .hasMessageContaining("table public.missing does not exist");
            }
            scenario.start();
            assertThat(scenario.awaitExit(Duration.ofSeconds(30))).as("fatal exit code").isEqualTo(1);
            try (Connection connection = scenario.connect();
                    var rs = connection.createStatement().executeQuery(
                            "SELECT count(*) FROM pg_publication WHERE pubname = '" + scenario.publication + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no publication created for a table without replica identity").isZero();
            }
        }
    }

    @Test
    void shouldFollowColumnsAddedAndDroppedMidStream() throws Exception {
        try (Scenario scenario = new Scenario("ddl")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, old_col int)");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (1, 'a', 5)",
                    "ALTER TABLE items ADD COLUMN added numeric DEFAULT 1.5",
                    "INSERT INTO items (id, name) VALUES (2, 'b')",
                    "ALTER TABLE items DROP COLUMN old_col",
                    "UPDATE items SET name = 'c' WHERE id = 1",
                    "ALTER TABLE items ALTER COLUMN added TYPE text",
                    "INSERT INTO items VALUES (3, 'd', 'x')");
            List<ChangeEvent> events = scenario.events(4, Duration.ofSeconds(30));
            assertThat(events).extracting(e -> Scenario.json(e.after())).containsExactly(
                    "{\"id\":1,\"name\":\"a\",\"old_col\":5}",
                    "{\"id\":2,\"name\":\"b\",\"old_col\":null,\"added\":1.5}",
                    "{\"id\":1,\"name\":\"c\",\"added\":1.5}",
                    "{\"id\":3,\"name\":\"d\",\"added\":\"x\"}");
            assertThat(events.get(3).columns()).extracting(c -> c.name() + ":" + c.type())
                    .containsExactly("id:int4", "name:text", "added:text");
        }
    }
}
