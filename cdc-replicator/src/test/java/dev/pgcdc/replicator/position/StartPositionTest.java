package dev.pgcdc.replicator.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.replicator.FatalException;
import dev.pgcdc.replicator.pg.SlotState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartPositionTest {

    private static final Path DIR = Path.of("/data/position");
    private static final Lsn WAL = new Lsn(10_000);

    private static SlotState slot(long confirmed) {
        return new SlotState("s", "pgoutput", true, "db", null, new Lsn(confirmed), new Lsn(confirmed - 10), "reserved");
    }

    private static PositionStore.StoredPosition stored(long lsn) {
        return new PositionStore.StoredPosition(new Lsn(lsn), "s");
    }

    private static StartPosition decide(PositionStore.StoredPosition stored, SlotState slot) {
        return StartPosition.decide(stored, slot, WAL, "s", "db", DIR);
    }

    @Test
    void nothingStoredAndNoSlotCreatesTheSlot() {
        assertThat(decide(null, null)).isEqualTo(new StartPosition(true, null, null));
    }

    @Test
    void nothingStoredStartsAtTheSlotsConfirmedPosition() {
        assertThat(decide(null, slot(500))).isEqualTo(new StartPosition(false, new Lsn(500), null));
    }

    @Test
    void aStoredPositionAheadOfTheSlotIsWhereStreamingStartsAndWhatIsSkipped() {
        assertThat(decide(stored(700), slot(500))).isEqualTo(new StartPosition(false, new Lsn(700), new Lsn(700)));
        assertThat(decide(stored(500), slot(500))).isEqualTo(new StartPosition(false, new Lsn(500), new Lsn(500)));
    }

    @Test
    void aStoredPositionWithoutItsSlotIsFatalAndNamesTheChoices() {
        assertThatThrownBy(() -> decide(stored(700), null)).isInstanceOf(FatalException.class)
                .hasMessageContaining("does not exist").hasMessageContaining("re-snapshot")
                .hasMessageContaining(DIR.toString());
    }

    @Test
    void aLostSlotIsFatal() {
        SlotState lost = new SlotState("s", "pgoutput", true, "db", null, new Lsn(500), null, "lost");
        assertThatThrownBy(() -> decide(stored(700), lost)).isInstanceOf(FatalException.class)
                .hasMessageContaining("invalidated").hasMessageContaining("re-snapshot");
        assertThatThrownBy(() -> decide(null, lost)).isInstanceOf(FatalException.class);
    }

    @Test
    void aSlotAheadOfTheStoredPositionIsFatalBecauseDataWouldBeSkipped() {
        assertThatThrownBy(() -> decide(stored(400), slot(500))).isInstanceOf(FatalException.class)
                .hasMessageContaining("skipped");
    }

    @Test
    void aStoredPositionAheadOfTheServersWalIsRefused() {
        assertThatThrownBy(() -> decide(stored(20_000), slot(500))).isInstanceOf(FatalException.class)
                .hasMessageContaining("ahead of the server's current WAL");
    }

    @Test
    void aStoreOfAnotherSlotIsRefused() {
        assertThatThrownBy(() -> decide(new PositionStore.StoredPosition(new Lsn(700), "other"), slot(500)))
                .isInstanceOf(FatalException.class).hasMessageContaining("belongs to slot 'other'");
    }

    @Test
    void aSlotOfAnotherPluginOrDatabaseIsRefused() {
        SlotState wrongPlugin = new SlotState("s", "wal2json", true, "db", null, new Lsn(5), new Lsn(1), "reserved");
        SlotState wrongDb = new SlotState("s", "pgoutput", true, "other", null, new Lsn(5), new Lsn(1), "reserved");
        assertThatThrownBy(() -> decide(null, wrongPlugin)).isInstanceOf(FatalException.class);
        assertThatThrownBy(() -> decide(null, wrongDb)).isInstanceOf(FatalException.class)
                .hasMessageContaining("belongs to database 'other'");
    }
}
