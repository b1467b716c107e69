package dev.pgcdc.replicator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.SnapshotMode;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.replicator.pg.SlotState;
import dev.pgcdc.replicator.position.PositionStore.StoredPosition;
import dev.pgcdc.replicator.position.SnapshotState;
import dev.pgcdc.replicator.snapshot.SnapshotDecision.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotDecisionTest {

    private static final StoredPosition STORED = new StoredPosition(new Lsn(100), "s");
    private static final SlotState SLOT = slot(new Lsn(100), "reserved");
    private static final SnapshotState UNFINISHED = SnapshotState.start(new Lsn(100), true,
            List.of(new TableId("public", "t")));

    private static SlotState slot(Lsn confirmed, String walStatus) {
        return new SlotState("s", "pgoutput", true, "db", null, confirmed, new Lsn(50), walStatus);
    }

    @Test
    void aFirstStartSnapshotsInTheExportedSnapshotOfTheNewSlot() {
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL, null, null, null)).isEqualTo(Action.EXPORTED);
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL, null, SLOT, null))
                .as("the slot exists already: no exported snapshot to be had").isEqualTo(Action.FRESH);
        assertThat(SnapshotDecision.decide(SnapshotMode.NEVER, null, null, null)).isEqualTo(Action.NONE);
    }

    @Test
    void anUnfinishedSnapshotIsResumedUnlessTheSlotIsGone() {
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL, STORED, SLOT, UNFINISHED)).isEqualTo(Action.RESUME);
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL, null, SLOT, UNFINISHED)).isEqualTo(Action.RESUME);
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL, null, null, UNFINISHED)).isEqualTo(Action.EXPORTED);
        assertThat(SnapshotDecision.decide(SnapshotMode.NEVER, STORED, SLOT, UNFINISHED)).isEqualTo(Action.NONE);
    }

    @Test
    void withAStoredPositionOnlyAlwaysSnapshotsAndInitialOnlyExits() {
        SnapshotState done = UNFINISHED.completed();
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL, STORED, SLOT, done)).isEqualTo(Action.NONE);
        assertThat(SnapshotDecision.decide(SnapshotMode.WHEN_NEEDED, STORED, SLOT, done)).isEqualTo(Action.NONE);
        assertThat(SnapshotDecision.decide(SnapshotMode.ALWAYS, STORED, SLOT, done)).isEqualTo(Action.FRESH);
        assertThat(SnapshotDecision.decide(SnapshotMode.INITIAL_ONLY, STORED, SLOT, done)).isEqualTo(Action.EXIT);
    }

    @Test
    void aStoredPositionIsStreamableOnlyFromTheSameUnlostSlot() {
        Lsn wal = new Lsn(1_000);
        assertThat(SnapshotDecision.streamable(STORED, SLOT, wal)).isTrue();
        assertThat(SnapshotDecision.streamable(STORED, slot(new Lsn(90), "reserved"), wal))
                .as("slot behind the position: normal after a crash").isTrue();
        assertThat(SnapshotDecision.streamable(STORED, null, wal)).as("slot dropped").isFalse();
        assertThat(SnapshotDecision.streamable(STORED, slot(new Lsn(100), "lost"), wal)).as("invalidated").isFalse();
        assertThat(SnapshotDecision.streamable(STORED, slot(new Lsn(500), "reserved"), wal))
                .as("re-created: confirmed ahead of the position").isFalse();
        assertThat(SnapshotDecision.streamable(STORED, SLOT, new Lsn(50))).as("position ahead of the WAL").isFalse();
    }
}
