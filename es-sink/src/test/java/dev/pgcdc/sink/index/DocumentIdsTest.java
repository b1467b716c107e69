package dev.pgcdc.sink.index;

import static dev.pgcdc.sink.TestEvents.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DocumentIdsTest {

    @Test
    void singleColumnKeyIsItsPlainText() {
        assertThat(DocumentIds.of(row("id", 42))).isEqualTo("42");
        assertThat(DocumentIds.of(row("id", 9_007_199_254_740_993L))).isEqualTo("9007199254740993");
        assertThat(DocumentIds.of(row("name", "alice"))).isEqualTo("alice");
        assertThat(DocumentIds.of(row("price", new BigDecimal("10.50")))).isEqualTo("10.50");
        assertThat(DocumentIds.of(row("flag", true))).isEqualTo("true");
    }

    @Test
    void compoundKeyIsJsonArrayInKeyOrder() {
        assertThat(DocumentIds.of(row("a", 1, "b", "x\"y"))).isEqualTo("[1,\"x\\\"y\"]");
        assertThat(DocumentIds.of(row("b", "x", "a", 1))).isEqualTo("[\"x\",1]");
    }

    @Test
    void compoundKeysThatLookAlikeAsTextStayDistinct() {
        assertThat(DocumentIds.of(row("a", "1", "b", 2))).isNotEqualTo(DocumentIds.of(row("a", 1, "b", "2")));
    }

    @Test
    void idsOverTheLimitAreHashedDeterministically() {
        String longValue = "é".repeat(300); // 600 bytes in UTF-8
        String id = DocumentIds.of(row("k", longValue));
        assertThat(id).startsWith("sha256:").hasSize(7 + 64);
        assertThat(DocumentIds.of(row("k", longValue))).isEqualTo(id);
        String exactly512 = "a".repeat(512);
        assertThat(DocumentIds.of(row("k", exactly512))).isEqualTo(exactly512);
        assertThat(id.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(DocumentIds.MAX_ID_BYTES);
    }

    @Test
    void emptyKeyIsRefused() {
        ObjectNode empty = ChangeEventCodec.MAPPER.createObjectNode();
        assertThatThrownBy(() -> DocumentIds.of(empty)).isInstanceOf(IllegalArgumentException.class);
    }
}
