package dev.pgcdc.replicator.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** jsonb's raw path writes the bytes that parsing the text and writing the tree writes. */
class JsonTextTest {

    /**
     * Shaped as PostgreSQL's jsonb_out writes: ", " and ": " between tokens, numbers as numeric prints
     * them (no exponent), characters under U+0020 escaped (in lower-case hex), all others as they are.
     * TypesIT checks the same on the real server's output.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\": 1, \"b\": [true, false, null], \"pi\": 3.14159265358979323846264338327950288}",
        "{\"s\": \"x, y: z \\\" \\\\ {not: [an, object]}\"}",
        "{\"tab\": \"a\\tb\\nc\\rd\\be\\ff\", \"ctl\": \"\\u0001\\u001f\\u000b\u007f\"}",
        "{\"text\": \"h\u00e9llo \u2713 \uD83D\uDE00 caf\u00e9\"}",
        "[0.1000, -12.50, 0, 123456789012345678901234567890, 1500]",
        "{\"empty\": {}, \"list\": [], \"deep\": {\"deeper\": [[{\"x\": [1, [2, {\"y\": \"\"}]]}]]}}",
        "\"just a string with \\\"quotes\\\" and spaces\"",
        "42",
        "-0.001",
        "true",
        "{}",
        "[]",
        "{\"sku\": \"SKU-1\", \"qty\": 5, \"tags\": [\"alpha\", \"bravo\"], \"address\": {\"city\": \"x\", \"zip\": \"10001\"}}",
    })
    void writesWhatTheParsedTreeWrites(String jsonbOutput) throws JsonProcessingException {
        String raw = ChangeEventCodec.MAPPER.writeValueAsString(JsonText.jsonb(jsonbOutput));
        String tree = ChangeEventCodec.MAPPER.writeValueAsString(JsonText.parse(jsonbOutput));

        assertThat(raw).isEqualTo(tree);
    }

    @Test
    void nullIsAJsonNullAndNoRawValue() {
        JsonNode value = JsonText.jsonb("null");

        assertThat(value.isNull()).isTrue();
    }

    @Test
    void keepsTextThatHasNoBlanksAsItIs() {
        String compact = "{\"a\":[1,\"b c\"]}";

        assertThat(JsonText.compact(compact)).isSameAs(compact);
    }

    @Test
    void refusesTextThatEndsInsideAnEscape() {
        assertThatThrownBy(() -> JsonText.compact("\"abc\\")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends inside an escape");
        assertThatThrownBy(() -> JsonText.compact("\"\\u00")).isInstanceOf(IllegalArgumentException.class);
    }
}
