package dev.pgcdc.replicator.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.replicator.FatalException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real LMDB environments in temporary folders, no mocks. */
class PositionStoreTest {

    @TempDir
    Path dir;

    @Test
    void aSavedPositionSurvivesReopening() {
        try (PositionStore store = PositionStore.open(dir)) {
            assertThat(store.load()).as("a new store holds nothing").isEmpty();
            store.save(Lsn.parse("16/3002D50"), "my_slot");
        }
        try (PositionStore store = PositionStore.open(dir)) {
            assertThat(store.load()).hasValue(new PositionStore.StoredPosition(Lsn.parse("16/3002D50"), "my_slot"));
        }
    }

    @Test
    void thePositionNeverMovesBackwards() {
        try (PositionStore store = PositionStore.open(dir)) {
            store.save(new Lsn(200), "s");
            store.save(new Lsn(200), "s");
            assertThatThrownBy(() -> store.save(new Lsn(100), "s")).isInstanceOf(IllegalStateException.class);
            assertThat(store.load().orElseThrow().lsn()).isEqualTo(new Lsn(200));
        }
    }

    @Test
    void positionsCompareUnsigned() {
        try (PositionStore store = PositionStore.open(dir)) {
            store.save(new Lsn(1), "s");
            store.save(new Lsn(0x8000_0000_0000_0000L), "s");
            assertThat(store.load().orElseThrow().lsn()).isEqualTo(new Lsn(0x8000_0000_0000_0000L));
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        try (PositionStore store = PositionStore.open(dir)) {
            assertThatThrownBy(() -> PositionStore.open(dir)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("another replicator");
        }
        PositionStore.open(dir).close();
    }

    @Test
    void snapshotProgressSurvivesReopeningBesideThePosition() {
        dev.pgcdc.common.config.TableId table = new dev.pgcdc.common.config.TableId("public", "t");
        SnapshotState state = SnapshotState.start(new Lsn(42), true, java.util.List.of(table));
        state = state.with(state.table(table).planned(java.util.List.of(java.util.List.of("10"),
                java.util.List.of("20"))));
        state = state.with(state.table(table).chunkDone(2, 5).chunkDone(0, 10));
        try (PositionStore store = PositionStore.open(dir)) {
            assertThat(store.loadSnapshot()).isEmpty();
            store.save(new Lsn(42), "s");
            store.saveSnapshot(state);
        }
        try (PositionStore store = PositionStore.open(dir)) {
            SnapshotState loaded = store.loadSnapshot().orElseThrow();
            assertThat(loaded).isEqualTo(state);
            assertThat(loaded.table(table).doneChunks()).containsExactly(0, 2);
            assertThat(loaded.table(table).rows()).isEqualTo(15);
            assertThat(loaded.table(table).complete()).isFalse();
            assertThat(loaded.table(table).chunkDone(1, 1).complete()).isTrue();
            assertThat(store.load().orElseThrow().lsn()).isEqualTo(new Lsn(42));
            store.clearSnapshot();
            assertThat(store.loadSnapshot()).isEmpty();
        }
    }
}
