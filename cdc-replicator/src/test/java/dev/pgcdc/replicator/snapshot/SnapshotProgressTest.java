package dev.pgcdc.replicator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.TableId;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {

    @Test
    void rateAndEtaFollowFromRowsAndElapsedTime() {
        assertThat(SnapshotProgress.rate(50_000, 2_000_000_000L)).isEqualTo(25_000.0);
        assertThat(SnapshotProgress.rate(10, 0)).isZero();
        assertThat(SnapshotProgress.eta(50_000, 1_000_000, 25_000)).hasValue(Duration.ofSeconds(38));
        assertThat(SnapshotProgress.eta(5, 0, 100)).as("no estimate (never analysed)").isEmpty();
        assertThat(SnapshotProgress.eta(5, 100, 0)).as("no rate yet").isEmpty();
        assertThat(SnapshotProgress.eta(120, 100, 10)).as("past a stale estimate").hasValue(Duration.ZERO);
        assertThat(SnapshotProgress.percent(120, 100)).isEqualTo(100.0);
    }

    @Test
    void aTableCountsRowsOfThisRunForTheRateAndAllRowsForProgress() {
        AtomicLong now = new AtomicLong(1_000);
        SnapshotProgress progress = new SnapshotProgress(now::get);
        SnapshotProgress.Table table = progress.add(new TableId("public", "t"), 1_000, 400, 10);
        for (int i = 0; i < 300; i++) {
            table.rowSent();
        }
        now.addAndGet(3_000_000_000L);
        assertThat(table.rowsDone()).as("rows of chunks done before a restart count").isEqualTo(700);
        assertThat(table.rowsPerSecond()).isEqualTo(100.0);
        assertThat(table.eta()).hasValue(Duration.ofSeconds(3));
        assertThat(table.describe()).contains("700 of ~1,000 rows (70%)", "100 rows/s", "ETA 3.0 s");
        table.finished();
        now.addAndGet(60_000_000_000L);
        assertThat(table.elapsed()).as("the clock stops when the table is done").isEqualTo(Duration.ofSeconds(3));
        assertThat(table.summary()).isEqualTo("snapshot of public.t done: 700 rows in 3.0 s (100 rows/s, 10 chunks)");
    }
}
