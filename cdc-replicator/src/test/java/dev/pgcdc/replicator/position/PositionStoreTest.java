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
    @org.junit.jupiter.api.Timeout(60)
    void peekFromAnotherProcessReadsThePositionWhileTheStoreIsOpenAndLocked() throws Exception {
        assertThat(PositionStore.peek(dir.resolve("absent")).position()).as("no store yet").isEmpty();
        try (PositionStore store = PositionStore.open(dir)) {
            store.save(Lsn.parse("0/16B3748"), "my_slot");
            store.saveSnapshot(SnapshotState.start(Lsn.parse("0/16B3700"), true,
                    java.util.List.of(new dev.pgcdc.common.config.TableId("public", "users"))));
            // LMDB forbids opening one environment twice in a process, so the reader is another JVM, as with `status`.
            assertThat(peekInChildJvm()).isEqualTo("0/16B3748 my_slot tables=1");
            store.save(Lsn.parse("0/16B3800"), "my_slot");
            assertThat(peekInChildJvm()).as("a later peek sees the new position").startsWith("0/16B3800 ");
            store.save(Lsn.parse("0/16B3900"), "my_slot");
            assertThat(store.load().orElseThrow().lsn()).as("the writer is undisturbed").isEqualTo(Lsn.parse("0/16B3900"));
        }
        PositionStore.Contents closed = PositionStore.peek(dir);
        assertThat(closed.position()).hasValue(new PositionStore.StoredPosition(Lsn.parse("0/16B3900"), "my_slot"));
    }

    private String peekInChildJvm() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PeekMain.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("child JVM output: " + output).isZero();
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** Prints what {@link PositionStore#peek} finds: {@code LSN SLOT tables=N}. */
    public static final class PeekMain {
        public static void main(String[] args) {
            PositionStore.Contents contents = PositionStore.peek(Path.of(args[0]));
            System.out.println(contents.position().map(p -> p.lsn() + " " + p.slotName()).orElse("none")
                    + " tables=" + contents.snapshot().map(s -> s.tables().size()).orElse(0));
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
