package dev.pgcdc.sink.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.sink.index.SnapshotCompletions.Decision;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotCompletionsTest {

    private static final String MIRROR = "pgcdc_public_users";
    private static final String TOPIC = "pgcdc.public.users";
    private static final RowVersion P1 = new RowVersion(500, 0);
    private static final RowVersion P2 = new RowVersion(900, 0);

    /** What the tombstone index holds: the records of these partitions for {@code version}. */
    private static Map<String, RowVersion> recorded(RowVersion version, int... partitions) {
        Map<String, RowVersion> stored = new HashMap<>();
        for (int p : partitions) {
            stored.put(SnapshotCompletions.recordId(MIRROR, version, TOPIC, p), version);
        }
        return stored;
    }

    private static Map<String, RowVersion> withCut(Map<String, RowVersion> stored, RowVersion cut) {
        stored.put(IndexNames.truncateTombstoneId(MIRROR), cut);
        return stored;
    }

    @Test
    void waitsUntilEveryPartitionHasRecordedTheSnapshot() {
        assertThat(SnapshotCompletions.decide(recorded(P1, 0), MIRROR, P1, TOPIC, 3)).isEqualTo(Decision.WAIT);
        assertThat(SnapshotCompletions.decide(recorded(P1, 0, 2), MIRROR, P1, TOPIC, 3)).isEqualTo(Decision.WAIT);
        assertThat(SnapshotCompletions.missing(recorded(P1, 0, 2), MIRROR, P1, TOPIC, 3)).containsExactly(1);
        assertThat(SnapshotCompletions.decide(recorded(P1, 2, 0, 1), MIRROR, P1, TOPIC, 3)).isEqualTo(Decision.CUT);
    }

    @Test
    void aSinglePartitionCutsAtOnce() {
        assertThat(SnapshotCompletions.decide(recorded(P1, 0), MIRROR, P1, TOPIC, 1)).isEqualTo(Decision.CUT);
    }

    @Test
    void recordsOfAnotherSnapshotOrTopicDoNotCount() {
        Map<String, RowVersion> stored = recorded(P1, 0, 1, 2);
        stored.putAll(recorded(P2, 0));
        assertThat(SnapshotCompletions.decide(stored, MIRROR, P2, TOPIC, 3)).isEqualTo(Decision.WAIT);
        assertThat(SnapshotCompletions.missing(stored, MIRROR, P2, TOPIC, 3)).containsExactly(1, 2);
        assertThat(SnapshotCompletions.decide(recorded(P1, 0, 1, 2), MIRROR, P1, "other.topic", 3))
                .isEqualTo(Decision.WAIT);
        assertThat(SnapshotCompletions.decide(recorded(P1, 0, 1, 2), "pgcdc_public_orders", P1, TOPIC, 3))
                .isEqualTo(Decision.WAIT);
    }

    @Test
    void neverCutsBelowTheTablesCurrentCut() {
        // P2 completed and cut first; the last marker of the older P1 arrives afterwards.
        assertThat(SnapshotCompletions.decide(withCut(recorded(P1, 0, 1, 2), P2), MIRROR, P1, TOPIC, 3))
                .isEqualTo(Decision.SUPERSEDED);
        assertThat(SnapshotCompletions.decide(withCut(recorded(P1, 0), P2), MIRROR, P1, TOPIC, 3))
                .isEqualTo(Decision.SUPERSEDED);
        // A truncate after the snapshot: its cut is newer than the snapshot's version too.
        assertThat(SnapshotCompletions.decide(withCut(recorded(P1, 0, 1, 2), new RowVersion(500, 1)), MIRROR, P1, TOPIC, 3))
                .isEqualTo(Decision.SUPERSEDED);
    }

    @Test
    void cutsAgainAtTheSameVersionSoARedeliveryFinishesAnInterruptedCut() {
        // The cut tombstone of P1 was written, the deletion may not have finished: the marker was not committed.
        assertThat(SnapshotCompletions.decide(withCut(recorded(P1, 0, 1, 2), P1), MIRROR, P1, TOPIC, 3))
                .isEqualTo(Decision.CUT);
    }

    @Test
    void aNewerSnapshotCutsOverAnOlderCut() {
        assertThat(SnapshotCompletions.decide(withCut(recorded(P2, 0, 1, 2), P1), MIRROR, P2, TOPIC, 3))
                .isEqualTo(Decision.CUT);
        assertThat(SnapshotCompletions.decide(withCut(recorded(P2, 1), P1), MIRROR, P2, TOPIC, 3))
                .isEqualTo(Decision.WAIT);
    }

    @Test
    void readsEveryPartitionsRecordAndTheCut() {
        List<String> ids = SnapshotCompletions.idsToRead(MIRROR, P1, TOPIC, 2);
        assertThat(ids).containsExactly(SnapshotCompletions.recordId(MIRROR, P1, TOPIC, 0),
                SnapshotCompletions.recordId(MIRROR, P1, TOPIC, 1), IndexNames.truncateTombstoneId(MIRROR));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(SnapshotCompletions.recordId(MIRROR, P1, TOPIC, 1)).isNotEqualTo(SnapshotCompletions.recordId(MIRROR, P2, TOPIC, 1));
    }

    @Test
    void theRecordIsTheSameDocumentOnEveryRedelivery() throws IOException {
        Write first = SnapshotCompletions.record("tombstones", MIRROR, P1, TOPIC, 2, 1_700_000_000_500L);
        Write again = SnapshotCompletions.record("tombstones", MIRROR, P1, TOPIC, 2, 1_700_000_000_500L);
        assertThat(first).isInstanceOf(Write.PlainIndex.class);
        assertThat(first.index()).isEqualTo("tombstones");
        assertThat(first.id()).isEqualTo(SnapshotCompletions.recordId(MIRROR, P1, TOPIC, 2)).isEqualTo(again.id());
        assertThat(((Write.PlainIndex) first).source()).isEqualTo(((Write.PlainIndex) again).source());
        JsonNode source = ChangeEventCodec.MAPPER.readTree(((Write.PlainIndex) first).source());
        assertThat(source.path("partition").asInt()).isEqualTo(2);
        assertThat(source.path("commit_lsn").asLong()).isEqualTo(500);
    }

    @Test
    void longNamesGiveIdsElasticsearchAccepts() {
        String id = SnapshotCompletions.recordId(MIRROR + "x".repeat(240), P1, "t".repeat(249), 7);
        assertThat(id).startsWith("sha256:");
        assertThat(id).isNotEqualTo(SnapshotCompletions.recordId(MIRROR + "x".repeat(240), P1, "t".repeat(249), 8));
    }

    @Test
    void rejectsATopicWithoutPartitions() {
        assertThatThrownBy(() -> SnapshotCompletions.decide(Map.of(), MIRROR, P1, TOPIC, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
