package dev.pgcdc.replicator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatermarkWindowTest {

    private static ObjectNode row(int id, String value) {
        return ChangeEventCodec.MAPPER.createObjectNode().put("id", id).put("v", value);
    }

    private static ObjectNode key(int id) {
        return ChangeEventCodec.MAPPER.createObjectNode().put("id", id);
    }

    @Test
    void rowsChangedBetweenTheWatermarksAreDroppedAndTheOthersKeptInOrder() {
        WatermarkWindow window = new WatermarkWindow(List.of(row(1, "a"), row(2, "b"), row(3, "c")),
                List.of(key(1), key(2), key(3)));
        window.changed(key(2));
        window.changed(key(99));
        assertThat(window.remaining()).containsExactly(row(1, "a"), row(3, "c"));
        assertThat(window.selected()).isEqualTo(3);
    }

    @Test
    void aTruncateBetweenTheWatermarksDropsTheWholeChunk() {
        WatermarkWindow window = new WatermarkWindow(List.of(row(1, "a")), List.of(key(1)));
        window.truncated();
        assertThat(window.remaining()).isEmpty();
    }

    @Test
    void compositeKeysMatchOnlyWhenEveryColumnMatches() {
        ObjectNode k1 = ChangeEventCodec.MAPPER.createObjectNode().put("a", 1).put("b", "x");
        ObjectNode k2 = ChangeEventCodec.MAPPER.createObjectNode().put("a", 1).put("b", "y");
        WatermarkWindow window = new WatermarkWindow(List.of(row(1, "a"), row(2, "b")), List.of(k1, k2));
        window.changed(ChangeEventCodec.MAPPER.createObjectNode().put("a", 1).put("b", "y"));
        assertThat(window.remaining()).containsExactly(row(1, "a"));
    }
}
