package dev.pgcdc.sink.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.sink.index.RowVersion;
import dev.pgcdc.sink.index.Write;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWriteOneActionLinePerWriteAndTheDocumentAfterIndexActions() throws Exception {
        byte[] body = BulkWriter.body(List.of(
                new Write.VersionedIndex("cdc_public_users", "42", new RowVersion(1234, 7),
                        "{\"name\":\"line\\nbreak\"}".getBytes(StandardCharsets.UTF_8)),
                new Write.VersionedDelete("cdc_public_users", "a\"b\\c/é", new RowVersion(99, 1)),
                new Write.PlainIndex("cdc_changes_public_users", "0/16B3748-3", "{\"op\":\"c\"}".getBytes(StandardCharsets.UTF_8))));
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        String[] lines = text.split("\n", -1);
        assertThat(lines).hasSize(6); // five lines and the empty rest after the last newline

        JsonNode index = JSON.readTree(lines[0]).get("index");
        assertThat(index.get("_index").asText()).isEqualTo("cdc_public_users");
        assertThat(index.get("_id").asText()).isEqualTo("42");
        assertThat(index.get("version").asLong()).isEqualTo(1234);
        assertThat(index.get("version_type").asText()).isEqualTo("external_gte");
        assertThat(JSON.readTree(lines[1]).get("name").asText()).isEqualTo("line\nbreak");

        JsonNode delete = JSON.readTree(lines[2]).get("delete");
        assertThat(delete.get("_id").asText()).isEqualTo("a\"b\\c/é");
        assertThat(delete.get("version").asLong()).isEqualTo(99);
        assertThat(delete.get("version_type").asText()).isEqualTo("external_gte");

        JsonNode plain = JSON.readTree(lines[3]).get("index");
        assertThat(plain.get("_id").asText()).isEqualTo("0/16B3748-3");
        assertThat(plain.has("version")).isFalse();
        assertThat(JSON.readTree(lines[4]).get("op").asText()).isEqualTo("c");
        assertThat(lines[5]).isEmpty();
    }

    @Test
    void shouldRefuseAPartialUpdateThatWasNotResolved() {
        Write partial = new Write.PartialUpdate("cdc_public_users", "1", new RowVersion(5, 1), JSON.createObjectNode());
        assertThatThrownBy(() -> BulkWriter.body(List.of(partial))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partial updates are resolved by the applier first");
    }
}
