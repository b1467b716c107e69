package dev.pgcdc.e2e.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DocumentIdTest {

    @Test
    void followsTheSinksDocumentedIdContract() {
        ObjectNode key = ChangeEventCodec.MAPPER.createObjectNode();
        key.put("id", 42);
        assertThat(DocumentId.of(key)).isEqualTo("42");
        key.removeAll().put("balance", new BigDecimal("10.50"));
        assertThat(DocumentId.of(key)).as("numbers keep their scale").isEqualTo("10.50");
        key.removeAll().put("region", 7).put("name", "a\"b");
        assertThat(DocumentId.of(key)).isEqualTo("[7,\"a\\\"b\"]");
        key.removeAll().put("name", "x".repeat(600));
        assertThat(DocumentId.of(key)).startsWith("sha256:").hasSize(7 + 64);
    }
}
