package dev.pgcdc.replicator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.TableId;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

    private static final TableId TABLE = new TableId("public", "items");

    private static List<List<String>> keys(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> List.of(Integer.toString(i))).toList();
    }

    @Test
    void everyFullChunkEndsAtABoundaryButTheLastChunkIsOpen() {
        assertThat(ChunkPlanner.boundaries(keys(10).iterator(), 3))
                .containsExactly(List.of("3"), List.of("6"), List.of("9"));
        assertThat(ChunkPlanner.boundaries(keys(9).iterator(), 3))
                .as("the very last key is no boundary: the open last chunk holds it")
                .containsExactly(List.of("3"), List.of("6"));
    }

    @Test
    void aSmallOrEmptyTableIsOneChunk() {
        assertThat(ChunkPlanner.boundaries(keys(2).iterator(), 3)).isEmpty();
        assertThat(ChunkPlanner.boundaries(keys(0).iterator(), 3)).isEmpty();
        assertThat(Chunk.of(TABLE, List.of())).containsExactly(new Chunk(TABLE, 0, null, null));
    }

    @Test
    void chunksCoverTheKeySpaceWithoutOverlap() {
        List<Chunk> chunks = Chunk.of(TABLE, List.of(List.of("3"), List.of("6")));
        assertThat(chunks).containsExactly(new Chunk(TABLE, 0, null, List.of("3")),
                new Chunk(TABLE, 1, List.of("3"), List.of("6")), new Chunk(TABLE, 2, List.of("6"), null));
        assertThat(chunks.get(0).condition("\"id\"", List.of("integer")))
                .isEqualTo("(\"id\") <= (CAST(? AS integer))");
        assertThat(chunks.get(1).condition("\"id\"", List.of("integer")))
                .isEqualTo("(\"id\") > (CAST(? AS integer)) AND (\"id\") <= (CAST(? AS integer))");
        assertThat(chunks.get(1).parameters()).containsExactly("3", "6");
        assertThat(chunks.get(2).condition("\"id\"", List.of("integer"))).isEqualTo("(\"id\") > (CAST(? AS integer))");
    }

    @Test
    void compositeKeysCompareAsRows() {
        Chunk chunk = new Chunk(TABLE, 1, List.of("a", "1"), null);
        assertThat(chunk.condition("\"k\", \"n\"", List.of("text", "bigint")))
                .isEqualTo("(\"k\", \"n\") > (CAST(? AS text), CAST(? AS bigint))");
        assertThat(new Chunk(TABLE, 0, null, null).condition("\"k\"", List.of("text"))).isEqualTo("TRUE");
    }
}
