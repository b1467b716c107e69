package dev.pgcdc.sink.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.sink.TestEvents;
import java.io.IOException;
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
}
