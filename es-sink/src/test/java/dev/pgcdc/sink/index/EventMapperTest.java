package dev.pgcdc.sink.index;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.common.event.Source;
import dev.pgcdc.sink.TestEvents;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMapperTest {

    private final IndexNames names = new IndexNames(
            new ElasticsearchConfig(List.of("http://localhost:9200"), null, null, null, "cdc_", null, null),
            SinkConfig.defaults());
    private final EventMapper mapper = new EventMapper(names, "_cdc", false);

    @Test
    void insertIndexesTheRowWithCommitLsnAsExternalVersion() throws IOException {
        Plan plan = mapper.plan(TestEvents.insert("users", 5000, 2, 42, "alice", "hi"));
        assertThat(plan.mirrorIndex()).isEqualTo("cdc_public_users");
        assertThat(plan.docId()).isEqualTo("42");
        assertThat(plan.writes()).hasSize(1);
        Write.VersionedIndex write = (Write.VersionedIndex) plan.writes().get(0);
        assertThat(write.version()).isEqualTo(new RowVersion(5000, 2));
        JsonNode doc = ChangeEventCodec.readTree(write.source());
        assertThat(doc.get("name").asText()).isEqualTo("alice");
        assertThat(doc.at("/_cdc/op").asText()).isEqualTo("c");
        assertThat(doc.at("/_cdc/commit_lsn").asLong()).isEqualTo(5000);
        assertThat(doc.at("/_cdc/sequence").asLong()).isEqualTo(2);
    }

    @Test
    void sameEventGivesByteIdenticalDocuments() {
        var event = TestEvents.update("users", 7000, 1, 1, "bob", "x");
        byte[] first = ((Write.VersionedIndex) mapper.plan(event).writes().get(0)).source();
        byte[] second = ((Write.VersionedIndex) mapper.plan(event).writes().get(0)).source();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void updateWithUnchangedToastIsAPartialUpdateThatOmitsTheColumn() {
        Plan plan = mapper.plan(TestEvents.toastUpdate("users", 9000, 1, 42, "alice2"));
        Write.PartialUpdate write = (Write.PartialUpdate) plan.writes().get(0);
        assertThat(write.version()).isEqualTo(new RowVersion(9000, 1));
        assertThat(write.doc().has("bio")).as("unchanged TOAST column must not be overwritten").isFalse();
        assertThat(write.doc().get("name").asText()).isEqualTo("alice2");
    }

    @Test
    void deleteRemovesTheDocumentAndWritesATombstone() {
        Plan plan = mapper.plan(TestEvents.delete("users", 9100, 0, 42));
        assertThat(plan.writes()).hasSize(2);
        assertThat(plan.writes().get(0)).isInstanceOf(Write.VersionedDelete.class);
        Write tombstone = plan.writes().get(1);
        assertThat(tombstone.index()).isEqualTo("cdc_tombstones");
        assertThat(tombstone.id()).isEqualTo("cdc_public_users/42");
        assertThat(plan.writesRow()).isFalse();
    }

    @Test
    void truncateMarksTheTableAndAsksForDeleteByVersion() {
        Plan plan = mapper.plan(TestEvents.truncate("users", 9200, 3));
        assertThat(plan.truncate()).isTrue();
        assertThat(plan.op()).isEqualTo(Op.TRUNCATE);
        assertThat(plan.writes()).singleElement().extracting(Write::id).isEqualTo("cdc_public_users#truncate");
    }

    @Test
    void completedSnapshotIsACutAtItsVersionLikeATruncate() throws IOException {
        Plan plan = mapper.plan(TestEvents.snapshotMarker(Op.SNAPSHOT_COMPLETED, "users", 9300));
        assertThat(plan.truncate()).as("documents older than the snapshot are deleted").isTrue();
        assertThat(plan.version()).isEqualTo(new RowVersion(9300, 0));
        assertThat(plan.writesRow()).isFalse();
        Write tombstone = plan.writes().get(0);
        assertThat(plan.writes()).hasSize(1);
        assertThat(tombstone.id()).isEqualTo("cdc_public_users#truncate");
        assertThat(((Write.VersionedIndex) tombstone).version()).isEqualTo(new RowVersion(9300, 0));
        JsonNode doc = ChangeEventCodec.readTree(((Write.VersionedIndex) tombstone).source());
        assertThat(doc.get("kind").asText()).isEqualTo("snapshot");
        assertThat(doc.get("commit_lsn").asLong()).isEqualTo(9300);
    }

    @Test
    void startedSnapshotWritesNothingEvenToTheChangeLog() {
        for (EventMapper any : List.of(mapper, new EventMapper(names, "_cdc", true))) {
            Plan started = any.plan(TestEvents.snapshotMarker(Op.SNAPSHOT_STARTED, "users", 9300));
            assertThat(started.writes()).as("documents stay while the snapshot runs").isEmpty();
            assertThat(started.truncate()).isFalse();
        }
        Plan completed = new EventMapper(names, "_cdc", true).plan(
                TestEvents.snapshotMarker(Op.SNAPSHOT_COMPLETED, "users", 9300));
        assertThat(completed.writes()).as("no change-log document sharing the snapshot rows' id").hasSize(1);
    }

    @Test
    void changeLogGetsOneDocumentPerEventWithAnIdFromTheVersion() {
        EventMapper withLog = new EventMapper(names, "_cdc", true);
        Plan plan = withLog.plan(TestEvents.insert("users", 0x1A2B, 7, 1, "a", "b"));
        Write log = plan.writes().get(plan.writes().size() - 1);
        assertThat(log.index()).isEqualTo("cdc_changes_public_users");
        assertThat(log.id()).isEqualTo("0000000000001a2b-7");
        assertThat(plan.withoutMirrorWrites().writes()).containsExactly(log);
    }

    @Test
    void rowVersionsOrderByCommitLsnThenSequence() {
        assertThat(new RowVersion(10, 5).isNewerThan(new RowVersion(9, 100))).isTrue();
        assertThat(new RowVersion(10, 5).isNewerThan(new RowVersion(10, 4))).isTrue();
        assertThat(new RowVersion(10, 5).isNewerThan(new RowVersion(10, 5))).isFalse();
        assertThat(new RowVersion(-1, 0).isNewerThan(new RowVersion(Long.MAX_VALUE, 0))).as("LSNs are unsigned").isTrue();
    }

    /** Values of JSON columns of every shape JsonColumnsTest covers: kept as they are, or wrapped. */
    private static final List<String> JSON_VALUES = List.of("{\"a\":1}", "{}", "null", "[]",
            "[{\"a\":1},{\"b\":[1,\"x\"]}]", "[null,{\"a\":1}]", "[[{\"a\":1}],[]]", "[[null]]",
            "{\"_value\":1,\"other\":2}", "{\"a\":{\"_value\":1}}", "\"text\"", "\"\"", "42", "1.50", "1E+400", "false",
            "[1,2]", "[1]", "[\"s\",{}]", "[{\"a\":1},\"x\"]", "[[{\"a\":1}],[true]]", "[null,\"\"]", "{\"_value\":\"text\"}",
            "{\"_value\":{\"_value\":3}}", "{\"_value\":null}", "[{\"_value\":1}]");

    @Test
    void streamsTheSameDocumentBytesAsTheTreeItReplaced() throws IOException {
        // The wrapping does not depend on json_mapping (only the field mappings do), so one run covers both.
        for (String metadataField : List.of("_cdc", "meta", "name", "j0")) {
            EventMapper mapper = new EventMapper(names, metadataField, false);
            // Twice: a writer reused across table shapes, and shapes found in its cache.
            for (int round = 0; round < 2; round++) {
                for (ChangeEvent event : documentShapes()) {
                    byte[] streamed = ((Write.VersionedIndex) mapper.plan(event).writes().get(0)).source();

                    assertThat(new String(streamed, UTF_8)).as("metadata field %s, event %s", metadataField, event)
                            .isEqualTo(new String(treeDocument(event, metadataField), UTF_8));
                }
            }
        }
    }

    @Test
    void aDocumentThatCannotBeWrittenFailsAsBeforeAndLeavesNothingForTheNext() throws IOException {
        ObjectNode tooDeep = TestEvents.row("id", 1);
        ObjectNode level = tooDeep.putObject("nested");
        for (int depth = 0; depth < 1_500; depth++) {
            level = level.putObject("n");  // beyond Jackson's write nesting limit (1000)
        }
        ChangeEvent failing = new ChangeEvent(null, tooDeep, Op.CREATE, 1L, TestEvents.source("users", 1, 0),
                TestEvents.row("id", 1), TestEvents.USER_COLUMNS, List.of());
        ChangeEvent next = TestEvents.insert("users", 2, 0, 2, "bo", "b");

        assertThatThrownBy(() -> treeDocument(failing, "_cdc")).as("the tree could not be written either")
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> mapper.plan(failing)).isInstanceOf(IllegalStateException.class)
                .hasMessage("a JSON tree always serialises");

        byte[] streamed = ((Write.VersionedIndex) mapper.plan(next).writes().get(0)).source();
        assertThat(new String(streamed, UTF_8)).isEqualTo(new String(treeDocument(next, "_cdc"), UTF_8));
    }

    /** Full-row events of many shapes, each also as decoded (whose equal columns are one list instance). */
    private static List<ChangeEvent> documentShapes() throws IOException {
        List<ChangeEvent> events = new ArrayList<>();
        events.add(TestEvents.insert("users", 5000, 2, 42, "alice", "hi"));
        events.add(TestEvents.update("users", 7000, 1, 1, "bob", "x"));
        events.add(TestEvents.snapshotRead("users", 9000, 3, "eve"));
        ObjectNode numbers = TestEvents.row("id", 1, "name", null, "bio", "👍🏽 家族👨‍👩‍👧 \"q\" \\ \t \u0001 </script> \u2028")
                .put("int", Integer.MIN_VALUE).put("long", Long.MAX_VALUE)
                .put("bigint", new BigInteger("123456789012345678901234567890"))
                .put("price", new BigDecimal("10.50")).put("huge", new BigDecimal("1E+400"))
                .put("rounded", new BigDecimal("1.2E+3")).put("zero", new BigDecimal("0.000"))
                .put("f", 1.1f).put("d", 0.1).put("t", true);
        numbers.putArray("arr").add(1).add("two").add(new BigDecimal("3.50")).addNull().addArray();
        numbers.putObject("obj").put("pi", new BigDecimal("3.14159")).putObject("empty");
        events.add(row(numbers, TestEvents.USER_COLUMNS, 1L, SnapshotMarker.FALSE, Op.CREATE));
        events.add(row(TestEvents.row("id", 1), TestEvents.USER_COLUMNS, null, SnapshotMarker.TRUE, Op.READ));
        events.add(row(TestEvents.row("id", 1), List.of(), null, SnapshotMarker.LAST, Op.READ));
        events.add(row(TestEvents.row("id", 1), List.of(), 5L, SnapshotMarker.INCREMENTAL, Op.UPDATE));
        for (String type : List.of("json", "jsonb", "_json", "_jsonb", "JSONB", "text", "jsonpath")) {
            ObjectNode after = TestEvents.row("id", 1);
            List<Column> columns = new ArrayList<>(List.of(new Column("id", "int4", true)));
            for (int i = 0; i < JSON_VALUES.size(); i++) {
                after.set("j" + i, ChangeEventCodec.MAPPER.readTree(JSON_VALUES.get(i)));
                columns.add(new Column("j" + i, type, false));
            }
            events.add(row(after, columns, 9L, SnapshotMarker.FALSE, Op.CREATE));
            for (String value : JSON_VALUES) {
                events.add(row(TestEvents.row("id", 2).set("j", ChangeEventCodec.MAPPER.readTree(value)),
                        List.of(new Column("id", "int4", true), new Column("j", type, false)), 9L, SnapshotMarker.FALSE,
                        Op.UPDATE));
            }
        }
        ObjectNode odd = TestEvents.row("_cdc", "a column named like the metadata", "id", 3, "j0", "x", "twice", "x",
                "mixed", "x", "no_column", "x");
        events.add(row(odd, List.of(new Column("id", "int4", true), new Column("absent", "jsonb", false),
                new Column("j0", "jsonb", false), new Column("twice", "json", false), new Column("twice", "jsonb", false),
                new Column("mixed", "text", false), new Column("mixed", "jsonb", false), new Column("_cdc", "jsonb", false)),
                1L, SnapshotMarker.FALSE, Op.CREATE));
        events.add(row(TestEvents.row("id", 3, "twice", ChangeEventCodec.MAPPER.readTree("{\"a\":1}")),
                List.of(new Column("twice", "json", false), new Column("twice", "json", false)), 1L, SnapshotMarker.FALSE,
                Op.CREATE));
        events.add(row(ChangeEventCodec.MAPPER.createObjectNode(), TestEvents.USER_COLUMNS, 1L, SnapshotMarker.FALSE,
                Op.CREATE));
        List<ChangeEvent> decoded = new ArrayList<>();
        for (ChangeEvent event : events) {
            decoded.add(ChangeEventCodec.decode(ChangeEventCodec.encode(event)));
        }
        events.addAll(decoded);
        return events;
    }

    private static ChangeEvent row(ObjectNode after, List<Column> columns, Long txId, SnapshotMarker snapshot, Op op) {
        Source source = new Source("0.1", Source.CONNECTOR, "test", "db", "public", "t" + columns.size(), txId, 0x16_0300_2D50L,
                Long.MIN_VALUE, 7, 1_700_000_000_000L, snapshot);
        return new ChangeEvent(null, after, op, 1L, source, TestEvents.row("id", 1), columns, List.of());
    }

    /** The mirror document as EventMapper built it before streaming: a wrapped copy of the row, the metadata set on it. */
    private static byte[] treeDocument(ChangeEvent event, String metadataField) throws IOException {
        ObjectNode doc = event.after().deepCopy();
        JsonColumns.wrapInPlace(doc, event.columns());
        Source source = event.source();
        ObjectNode meta = ChangeEventCodec.MAPPER.createObjectNode();
        meta.put("op", event.op().code());
        meta.put("lsn", source.lsn());
        meta.put("commit_lsn", source.commitLsn());
        meta.put("sequence", source.sequence());
        meta.put("commit_time", source.tsMs());
        if (source.txId() != null) {
            meta.put("tx_id", source.txId());
        }
        meta.put("snapshot", source.snapshot().text());
        doc.set(metadataField, meta);
        return ChangeEventCodec.MAPPER.writeValueAsBytes(doc);
    }
}
