package dev.pgcdc.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsOnlyTheContiguousFinishedRunPlusOne() {
        for (long offset = 10; offset < 15; offset++) {
            tracker.received(p0, offset);
        }
        tracker.finished(p0, 10);
        tracker.finished(p0, 11);
        tracker.finished(p0, 13);
        assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(12));
        tracker.finished(p0, 12);
        tracker.finished(p0, 14);
        assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(15));
    }

    @Test
    void nothingFinishedMeansNothingToCommit() {
        tracker.received(p0, 0);
        assertThat(tracker.committable()).isEmpty();
    }

    @Test
    void partitionsAreIndependentAndCommittedPositionsAreNotRepeated() {
        tracker.received(p0, 0);
        tracker.received(p1, 5);
        tracker.finished(p1, 5);
        var positions = tracker.committable();
        assertThat(positions).containsOnlyKeys(p1);
        tracker.committed(positions);
        assertThat(tracker.committable()).isEmpty();
    }

    @Test
    void revokedPartitionsAreForgotten() {
        tracker.received(p0, 0);
        tracker.forget(List.of(p0));
        tracker.finished(p0, 0);
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.owns(p0)).isFalse();
    }
}
