package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.delete;
import static dev.pgcdc.sink.TestEvents.insert;
import static dev.pgcdc.sink.TestEvents.row;
import static dev.pgcdc.sink.TestEvents.snapshotMarker;
import static dev.pgcdc.sink.TestEvents.snapshotRead;
import static dev.pgcdc.sink.TestEvents.toastUpdate;
import static dev.pgcdc.sink.TestEvents.truncate;
import static dev.pgcdc.sink.TestEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.sink.kafka.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink against real Kafka and Elasticsearch, with change events produced by the test. */
@ExtendWith(EnginesExtension.class)
@Timeout(180)
class SinkIT {

    private final KafkaEndpoint kafka;
    private final ElasticsearchEndpoint elasticsearch;

    SinkIT(KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @Test
    void shouldMirrorEveryOperationAcrossTablesAndKeepTheChangeLog() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            List<Column> orderColumns = List.of(new Column("shop", "text", true), new Column("no", "int8", true),
                    new Column("placed", "timestamptz", false), new Column("total", "numeric", false),
                    new Column("meta", "jsonb", false), new Column("paid", "bool", false));
            h.send(insert("users", 100, 0, 1, "alice", "long bio"));
            h.send(insert("users", 100, 1, 2, "bob", "b"));
            h.send(insert("users", 100, 2, 3, "carol", "c"));
            // INSERT then UPDATE of one row inside one transaction: same commit_lsn.
            h.send(insert("users", 200, 0, 4, "dave", "d"));
            h.send(update("users", 200, 1, 4, "dave2", "d2"));
            h.send(update("users", 300, 0, 2, "bobby", "b2"));
            h.send(toastUpdate("users", 400, 0, 1, "alice2"));
            h.send(delete("users", 500, 0, 3));
            // Primary-key change 2 -> 20: a delete of the old key, then a create of the new one.
            h.send(delete("users", 600, 0, 2));
            h.send(insert("users", 600, 1, 20, "bobby", "b2"));
            h.send(new ChangeEvent(null, row("shop", "s1", "no", 7, "placed", "2024-01-31 12:00:00.123456+00",
                    "total", new java.math.BigDecimal("10.50"), "meta", Map.of("a", 1), "paid", true), Op.READ, 1L,
                    TestEvents.source("orders", 50, 0), row("shop", "s1", "no", 7), orderColumns, List.of()));
            h.flush();
            try (SinkHarness.Running sink = h.start("  change_log: true\n")) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(List.of(h.count(h.mirror("users")),
                        h.count(h.mirror("orders")), h.count(h.prefix + "changes_public_users")))
                        .as("users, orders, change-log documents; users: " + h.documents(h.mirror("users")))
                        .containsExactly(3L, 1L, 10L));
                Map<String, ObjectNode> users = h.documents(h.mirror("users"));
                assertThat(users.keySet()).containsExactly("1", "20", "4");
                assertThat(users.get("1").get("name").asText()).isEqualTo("alice2");
                assertThat(users.get("1").get("bio").asText()).as("unchanged TOAST column keeps its value")
                        .isEqualTo("long bio");
                assertThat(users.get("4").get("name").asText()).as("second change in one transaction wins")
                        .isEqualTo("dave2");
                assertThat(users.get("20").at("/_cdc/op").asText()).isEqualTo("c");
                Map<String, ObjectNode> orders = h.documents(h.mirror("orders"));
                assertThat(orders).containsOnlyKeys("[\"s1\",7]");
                var mapping = h.client().indices().getMapping(g -> g.index(h.mirror("orders")))
                        .result().get(h.mirror("orders")).mappings().properties();
                assertThat(mapping.get("placed").isDate()).as("timestamptz maps to date").isTrue();
                assertThat(mapping.get("no").isLong()).isTrue();
                assertThat(mapping.get("paid").isBoolean()).isTrue();
                assertThat(mapping.get("shop").isText()).isTrue();
                assertThat(mapping.get("_cdc").isObject()).isTrue();
                assertThat(h.client().get(g -> g.index(h.mirror("users")).id("1"), ObjectNode.class).found()).isTrue();

                // A column added later gets its mapping too.
                List<Column> wider = new ArrayList<>(TestEvents.USER_COLUMNS);
                wider.add(new Column("born", "date", false));
                h.send(new ChangeEvent(null, row("id", 5, "name", "eve", "bio", "e", "born", "1990-05-01"), Op.CREATE, 1L,
                        TestEvents.source("users", 700, 0), row("id", 5), wider, List.of()));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.count(h.mirror("users")) == 4);
                assertThat(h.client().indices().getMapping(g -> g.index(h.mirror("users"))).result()
                        .get(h.mirror("users")).mappings().properties().get("born").isDate()).isTrue();
            }
        }
    }

    @Test
    void shouldLeaveIndexesUnchangedWhenTheTopicIsReplayedFromTheStart() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            for (int i = 0; i < 200; i++) {
                h.send(insert("users", 1000 + i, 0, i, "n" + i, "b" + i));
            }
            for (int i = 0; i < 200; i += 3) {
                h.send(update("users", 2000 + i, 0, i, "u" + i, "ub" + i));
                h.send(toastUpdate("users", 2000 + i, 1, i, "t" + i));
            }
            for (int i = 0; i < 200; i += 5) {
                h.send(delete("users", 3000 + i, 0, i));
            }
            h.send(insert("users", 4000, 0, 0, "reborn", "r"));
            h.flush();
            Map<String, ObjectNode> before;
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.count(h.mirror("users")) == 161);
                before = h.documents(h.mirror("users"));
            }
            assertThat(before.get("3").get("name").asText()).isEqualTo("t3");
            assertThat(before.get("3").get("bio").asText()).isEqualTo("ub3");
            try (SinkHarness.Running replay = h.new Running(h.config("replay-" + h.group, ""))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.committedTotal("replay-" + h.group) >= 200 + 67 * 2 + 40 + 1);
            }
            assertThat(h.documents(h.mirror("users"))).as("documents after replaying the whole topic").isEqualTo(before);
        }
    }

    @Test
    void shouldApplyABacklogInRoundsOfConcurrentBulkRequestsEndingWithEveryRowsNewestVersion() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            // 300 rows, each written by five transactions, the last two changes of a row in one transaction
            // (same commit LSN); every seventh row deleted at the end. Rounds of 4 requests of 40 items.
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 300; i++) {
                    long lsn = 10_000L * (round + 1) + i;
                    h.send(round == 0 ? insert("users", lsn, 0, i, "r" + i + "v0", "b") : update("users", lsn, 0, i,
                            "r" + i + "v" + round, "b"));
                }
            }
            for (int i = 0; i < 300; i++) {
                h.send(update("users", 90_000L + i, 0, i, "r" + i + "v4", "b"));
                h.send(update("users", 90_000L + i, 1, i, "r" + i + "v5", "b"));
            }
            for (int i = 0; i < 300; i += 7) {
                h.send(delete("users", 95_000L + i, 0, i));
            }
            h.flush();
            try (SinkHarness.Running sink = h.start("  bulk_max_actions: 40\n  max_in_flight_requests: 4\n")) {
                await().atMost(Duration.ofSeconds(90)).until(() -> h.committedTotal(h.group) >= 300 * 6 + 43);
            }
            Map<String, ObjectNode> documents = h.documents(h.mirror("users"));
            assertThat(documents).as("rows left after every seventh was deleted").hasSize(300 - 43);
            for (int i = 0; i < 300; i++) {
                if (i % 7 == 0) {
                    assertThat(documents).as("deleted row " + i).doesNotContainKey(Integer.toString(i));
                } else {
                    assertThat(documents.get(Integer.toString(i)).get("name").asText()).as("row " + i)
                            .isEqualTo("r" + i + "v5");
                }
            }
        }
    }

    @Test
    void shouldSendAPartialBatchOnceLingerPassedWhileNoBulkRequestIsInFlight() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            // flush_interval alone would hold each of these partial batches for a minute; with no bulk
            // request in flight, linger (none) sends them at once.
            try (SinkHarness.Running sink = h.start("  linger: 0ms\n  flush_interval: 60s\n")) {
                h.send(insert("users", 100, 0, 1, "alice", "a"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) >= 1);
                for (int i = 2; i <= 4; i++) {
                    h.send(insert("users", 100L * i, 0, i, "user" + i, "b"));
                    h.flush();
                    int expected = i;
                    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal(h.group) >= expected);
                }
            }
            Map<String, ObjectNode> documents = h.documents(h.mirror("users"));
            assertThat(documents).containsOnlyKeys("1", "2", "3", "4");
            assertThat(documents.get("3").get("name").asText()).isEqualTo("user3");
        }
    }

    @Test
    void shouldNotLetOlderEventsMakeADocumentStaleOrBringADeletedRowBack() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            try (SinkHarness.Running sink = h.start("")) {
                h.send(update("users", 3000, 0, 1, "newest", "n"));
                h.send(update("users", 2000, 0, 1, "older", "o"));
                h.send(toastUpdate("users", 1500, 0, 1, "older-toast"));
                h.send(insert("users", 1000, 0, 1, "oldest", "o"));
                h.send(insert("users", 1000, 0, 2, "two", "t"));
                h.send(delete("users", 5000, 0, 2));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) >= 6);
                assertThat(h.documents(h.mirror("users")).get("1").get("name").asText()).isEqualTo("newest");
                // Make Elasticsearch forget the delete's version, as it does after index.gc_deletes.
                h.client().indices().putSettings(p -> p.index(h.mirror("users")).settings(s -> s.gcDeletes(t -> t.time("0s"))));
                h.client().indices().refresh(r -> r.index(h.mirror("users")));
                Thread.sleep(1000);
                h.client().indices().refresh(r -> r.index(h.mirror("users")));
                h.send(insert("users", 1000, 0, 2, "zombie", "z"));
                h.send(insert("users", 6000, 0, 3, "marker", "m"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.documents(h.mirror("users")).containsKey("3"));
                assertThat(h.documents(h.mirror("users"))).as("a deleted row must stay deleted").doesNotContainKey("2");
            }
        }
    }

    /**
     * The sink skips tombstone look-ups while none exist, and row look-ups while only cuts exist: a
     * delete made after a truncate must still be honoured in the same run, and a delete made in an
     * earlier run after a restart.
     */
    @Test
    void shouldKeepARowDeletedAfterATruncateDeletedInThisRunAndAfterARestart() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            try (SinkHarness.Running sink = h.start("")) {
                h.send(truncate("users", 100, 0));
                h.send(insert("users", 1000, 0, 2, "two", "t"));
                h.send(delete("users", 5000, 0, 2));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) >= 3);
                forgetDeletes(h);
                h.send(insert("users", 1000, 0, 2, "zombie", "z"));
                h.send(insert("users", 6000, 0, 3, "marker", "m"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.documents(h.mirror("users")).containsKey("3"));
                assertThat(h.documents(h.mirror("users"))).as("deleted in this run, after a truncate").doesNotContainKey("2");
            }
            try (SinkHarness.Running restarted = h.start("")) {
                h.send(insert("users", 1000, 0, 2, "zombie again", "z"));
                h.send(insert("users", 7000, 0, 4, "marker", "m"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.documents(h.mirror("users")).containsKey("4"));
                assertThat(h.documents(h.mirror("users"))).as("deleted in an earlier run").doesNotContainKey("2")
                        .containsKeys("3", "4");
            }
        }
    }

    /** Makes Elasticsearch forget the versions of deleted documents, as it does after index.gc_deletes. */
    private static void forgetDeletes(SinkHarness h) throws Exception {
        h.client().indices().putSettings(p -> p.index(h.mirror("users")).settings(s -> s.gcDeletes(t -> t.time("0s"))));
        h.client().indices().refresh(r -> r.index(h.mirror("users")));
        Thread.sleep(1000);
        h.client().indices().refresh(r -> r.index(h.mirror("users")));
    }

    @Test
    void shouldTruncateEveryPartitionWithoutLosingNewerDocuments() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            for (int i = 0; i < 30; i++) {
                h.send(insert("users", 100 + i, 0, i, "old" + i, "b"));
            }
            h.flush();
            try (SinkHarness.Running sink = h.start("  change_log: true\n")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> h.count(h.mirror("users")) == 30);
                // Partition 0 runs ahead: its newer row is written before the other partitions see the truncate.
                h.sendTo(0, insert("users", 900, 0, 100, "after-truncate", "n"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.count(h.mirror("users")) == 31);
                for (int p = 0; p < 3; p++) {
                    h.sendTo(p, truncate("users", 500, 0));
                }
                h.send(insert("users", 1000, 0, 200, "later", "l"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.documents(h.mirror("users")).keySet()
                        .equals(java.util.Set.of("100", "200")));
                assertThat(h.count(h.prefix + "changes_public_users")).as("truncate copies share one change-log id")
                        .isEqualTo(30 + 1 + 1 + 1);
            }
        }
    }

    /**
     * A re-snapshot at version 500 after rows 0, 3, 6, … were deleted while nothing captured it: the
     * documents stay while the snapshot runs, and once it completes exactly those the snapshot did not
     * rewrite and that are older than it are gone; newer ones (a change streamed after the snapshot
     * point, already applied) stay. Older writes replayed afterwards cannot bring a removed row back,
     * and replaying the whole topic leaves the index as it was.
     */
    @Test
    void shouldRemoveOnlyOlderDocumentsTheSnapshotDidNotRewriteOnceItCompletes() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            for (int i = 0; i < 30; i++) {
                h.send(insert("users", 100 + i, 0, i, "old" + i, "b"));
            }
            h.send(update("users", 900, 0, 1, "newer-than-the-snapshot", "n"));
            h.send(insert("users", 950, 0, 40, "inserted-after-the-snapshot-point", "n"));
            h.flush();
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> h.count(h.mirror("users")) == 31);
                for (int p = 0; p < 3; p++) {
                    h.sendTo(p, snapshotMarker(Op.SNAPSHOT_STARTED, "users", 500));
                }
                java.util.Set<String> expected = new java.util.TreeSet<>(java.util.Set.of("40"));
                int rows = 0;
                for (int i = 0; i < 30; i++) {
                    if (i % 3 != 0) {
                        h.send(snapshotRead("users", 500, i, "snap" + i));
                        expected.add(Integer.toString(i));
                        rows++;
                    }
                }
                h.flush();
                long sent = 32 + 3 + rows;
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) >= sent);
                assertThat(h.count(h.mirror("users"))).as("nothing is removed before the snapshot completes")
                        .isEqualTo(31);
                for (int p = 0; p < 3; p++) {
                    h.sendTo(p, snapshotMarker(Op.SNAPSHOT_COMPLETED, "users", 500));
                }
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) >= sent + 3);
                Map<String, ObjectNode> after = h.documents(h.mirror("users"));
                assertThat(after.keySet()).as("rows the re-snapshot did not see are removed, newer ones kept")
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(after.get("1").get("name").asText()).isEqualTo("newer-than-the-snapshot");
                assertThat(after.get("2").get("name").asText()).isEqualTo("snap2");

                h.send(insert("users", 103, 0, 3, "replayed-old-insert", "z"));
                h.send(insert("users", 1000, 0, 50, "later", "l"));
                h.flush();
                expected.add("50");
                await().atMost(Duration.ofSeconds(30)).until(() -> h.documents(h.mirror("users")).containsKey("50"));
                assertThat(h.documents(h.mirror("users")).keySet()).as("an older write cannot bring a removed row back")
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
            Map<String, ObjectNode> before = h.documents(h.mirror("users"));
            try (SinkHarness.Running replay = h.new Running(h.config("replay-" + h.group, ""))) {
                long total = h.committedTotal(h.group);
                await().atMost(Duration.ofSeconds(60)).until(() -> h.committedTotal("replay-" + h.group) >= total);
            }
            assertThat(h.documents(h.mirror("users"))).as("documents after replaying the whole topic").isEqualTo(before);
        }
    }

    @Test
    void shouldDeadLetterPoisonRecordsAndMappingConflictsAndKeepGoing() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 1)) {
            try (SinkHarness.Running sink = h.start("")) {
                h.send(insert("users", 100, 0, 1, "alice", "a"));
                h.sendRaw("k".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8));
                h.sendRaw(null, "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
                // JSON syntax, but a number no BigDecimal holds
                h.sendRaw(null, "{\"op\":\"c\",\"ts_ms\":1e99999999999}".getBytes(StandardCharsets.UTF_8));
                // 'name' is mapped as text; an object there is a mapping conflict.
                h.send(new ChangeEvent(null, row("id", 2, "name", Map.of("first", "x"), "bio", "b"), Op.CREATE, 1L,
                        TestEvents.source("users", 200, 0), row("id", 2), TestEvents.USER_COLUMNS, List.of()));
                h.send(insert("users", 300, 0, 3, "after", "ok"));
                h.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> h.count(h.mirror("users")) == 2);
                List<ConsumerRecord<byte[], byte[]>> dead = readAll(h.deadLetterTopic, 4);
                assertThat(dead).hasSize(4);
                assertThat(header(dead.get(0), DeadLetters.REASON)).contains("not a change event");
                assertThat(header(dead.get(0), DeadLetters.TOPIC)).isEqualTo(h.topic);
                assertThat(header(dead.get(0), DeadLetters.OFFSET)).isEqualTo("1");
                assertThat(header(dead.get(0), DeadLetters.PARTITION)).isEqualTo("0");
                assertThat(header(dead.get(2), DeadLetters.REASON))
                        .startsWith("not a change event: number out of range: ").contains("1e99999999999");
                assertThat(header(dead.get(2), DeadLetters.OFFSET)).isEqualTo("3");
                assertThat(header(dead.get(3), DeadLetters.REASON)).contains("HTTP 400");
                assertThat(header(dead.get(3), DeadLetters.OFFSET)).isEqualTo("4");
                await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal(h.group) == 6);
            }
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.currentTimeMillis() + 20_000;
            while (records.size() < expected && System.currentTimeMillis() < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
