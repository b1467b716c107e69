package dev.pgcdc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class W2SteadyTest {

    @Test
    void readsTheRowIdAndTheCommitTimeOfAnEventWithoutBeingMisledByNestedFields() {
        String event = "{\"before\":null,\"after\":{\"id\":42,\"payload\":{\"id\":7,\"ts_ms\":1},\"name\":\"x\"},"
                + "\"op\":\"c\",\"ts_ms\":1764059000999,\"source\":{\"version\":\"v\",\"ts_ms\":1764059000100,"
                + "\"lsn\":5},\"key\":{\"id\":42},\"columns\":[]}";
        long[] idAndCommit = W2Steady.idAndCommitTime(event.getBytes(StandardCharsets.UTF_8));
        assertThat(idAndCommit).containsExactly(42, 1764059000100L);
    }
}
