package dev.pgcdc.replicator.value;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** jsonb is carried as its text and encodes the JSON value that parsing the text gives. */
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
        "{\"ctl\": \"\\u0001\\u001f\\u000b\u007f\", \"tab\": \"a\\tb\\nc\\rd\\be\\ff\"}",
        "{\"text\": \"h\u00e9llo \u2713 \uD83D\uDE00 caf\u00e9\"}",
        "[0.1000, -12.50, 0, 123456789012345678901234567890, 1500]",
        "{\"empty\": {}, \"list\": [], \"deep\": {\"deeper\": [[{\"x\": [1, [2, {\"y\": \"\"}]]}]]}}",
        "\"just a string with \\\"quotes\\\" and spaces\"",
        "42",
        "-0.001",
        "true",
        "{}",
        "[]",
    })
    void isWrittenAsItsTextWhichReadsAsTheParsedTree(String jsonbOutput) throws IOException {
        JsonNode value = JsonText.jsonb(jsonbOutput);
        String written = ChangeEventCodec.MAPPER.writeValueAsString(value);

        assertThat(written).isEqualTo(jsonbOutput);
        assertThat(ChangeEventCodec.MAPPER.writeValueAsString(ChangeEventCodec.readTree(written.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ChangeEventCodec.MAPPER.writeValueAsString(JsonText.parse(jsonbOutput)));
    }

    @Test
    void nullIsAJsonNull() {
        assertThat(JsonText.jsonb("null").isNull()).isTrue();
        assertThat(JsonText.jsonb("\"null\"").isNull()).isFalse();
    }
}
