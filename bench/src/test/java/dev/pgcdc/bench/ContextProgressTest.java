package dev.pgcdc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ContextProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldMeasureTheWholeWindowFromTheFirstProgressAndTheSecondHalfFromHalfTheTarget() {
        // 100 events in the first 4 s (the warm-up), 100 in the next 1 s.
        Context.Progress progress = new Context.Progress(0, 10, 4 * SECOND, 100, 5 * SECOND, 200);

        assertEquals(190 / 5.0, progress.rate(), 1e-9);
        assertEquals(100.0, progress.secondHalfRate(), 1e-9);
    }

    @Test
    void shouldRecordTheFirstPollAtOrPastHalfTheTarget() throws InterruptedException {
        long[] values = {0, 30, 60, 90, 120};
        AtomicLong poll = new AtomicLong();
        int[] firstCalls = {0};

        Context.Progress progress = Context.await("test", () -> values[(int) poll.getAndIncrement()], 120, null, false,
                Duration.ofSeconds(10), () -> firstCalls[0]++);

        assertEquals(30, progress.firstValue());
        assertEquals(60, progress.halfValue());
        assertEquals(120, progress.doneValue());
        assertEquals(1, firstCalls[0]);
        assertEquals(60.0 / ((progress.doneNanos() - progress.halfNanos()) / 1e9), progress.secondHalfRate(), 1e-6);
    }
}
