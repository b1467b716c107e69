package dev.pgcdc.common.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChangeEventDecodeFailureTest {

    private static final String SOURCE = """
            {"version":"0.1.0","connector":"pgcdc","name":"pgcdc","db":"mydb","schema":"public","table":"users",
             "txId":7,"lsn":100,"commit_lsn":120,"sequence":0,"ts_ms":1,"snapshot":"false"}""";
    private static final String COLUMNS = "[{\"name\":\"id\",\"type\":\"int4\",\"key\":true}]";
    private static final String VALID = "{\"before\":null,\"after\":{\"id\":1},\"op\":\"c\",\"ts_ms\":5,\"source\":"
            + SOURCE + ",\"key\":{\"id\":1},\"columns\":" + COLUMNS + "}";

    static Stream<Arguments> malformedValues() {
        return Stream.of(
                Arguments.of("binary garbage", new byte[] {0x00, (byte) 0xFF, 0x13, 0x37}, "not valid JSON"),
                Arguments.of("text that is not JSON", bytes("hello world"), "not valid JSON"),
                Arguments.of("truncated JSON", bytes(VALID.substring(0, VALID.length() / 2)), "not valid JSON"),
                Arguments.of("empty value", new byte[0], "the record value is empty"),
                Arguments.of("whitespace only", bytes("  \n"), "holds no JSON value"),
                Arguments.of("a JSON array", bytes("[1,2]"), "expected a JSON object, got array"),
                Arguments.of("a JSON string", bytes("\"c\""), "expected a JSON object, got string"),
                Arguments.of("an empty object", bytes("{}"), "missing fields 'op', 'ts_ms', 'source'"),
                Arguments.of("no source", bytes(VALID.replace(",\"source\":" + SOURCE, "")), "missing field 'source'"),
                Arguments.of("no commit_lsn", bytes(VALID.replace("\"commit_lsn\":120,", "")),
                        "missing field 'source.commit_lsn'"),
                Arguments.of("null lsn", bytes(VALID.replace("\"lsn\":100", "\"lsn\":null")), "missing field 'source.lsn'"),
                Arguments.of("null op", bytes(VALID.replace("\"op\":\"c\"", "\"op\":null")), "missing field 'op'"),
                Arguments.of("unknown op", bytes(VALID.replace("\"op\":\"c\"", "\"op\":\"x\"")),
                        "field 'op': unknown op code 'x' (expected one of c, u, d, r, t, snapshot_started, snapshot_completed)"),
                Arguments.of("insert without after", bytes(VALID.replace("\"after\":{\"id\":1}", "\"after\":null")),
                        "a change event with op 'c' needs 'after'"),
                Arguments.of("update without key", bytes(VALID.replace("\"op\":\"c\"", "\"op\":\"u\"")
                        .replace("\"key\":{\"id\":1}", "\"key\":null")), "a change event with op 'u' needs 'key'"),
                Arguments.of("text timestamp", bytes(VALID.replace("\"ts_ms\":5", "\"ts_ms\":\"soon\"")), "field 'ts_ms'"),
                Arguments.of("unknown snapshot marker", bytes(VALID.replace("\"snapshot\":\"false\"", "\"snapshot\":\"maybe\"")),
                        "field 'source.snapshot': unknown source.snapshot value 'maybe'"),
                Arguments.of("row that is an array", bytes(VALID.replace("\"after\":{\"id\":1}", "\"after\":[1]")),
                        "field 'after'"),
                Arguments.of("column without type", bytes(VALID.replace(COLUMNS,
                        "[{\"name\":\"id\",\"type\":\"int4\",\"key\":true},{\"name\":\"x\"}]")),
                        "missing field 'columns[1].type'"),
                // JSON syntax, but no BigDecimal holds it: Jackson throws NumberFormatException, not an IOException
                Arguments.of("number with an exponent beyond range", bytes(VALID.replace("\"after\":{\"id\":1}",
                        "\"after\":{\"id\":1e2147483648}")), "number out of range: Value \"1e2147483648\""),
                Arguments.of("number with too many exponent digits", bytes(VALID.replace("\"ts_ms\":5", "\"ts_ms\":1e99999999999")),
                        "number out of range"),
                Arguments.of("only a number beyond range", bytes("1e-2147483649"), "number out of range"),
                Arguments.of("two values", bytes(VALID + " " + VALID), "Trailing token"),
                Arguments.of("duplicate member", bytes(VALID.replace("\"op\":\"c\"", "\"op\":\"c\",\"op\":\"d\"")),
                        "Duplicate field 'op'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedValues")
    void rejectsWithAMessageSayingWhatIsWrong(String description, byte[] value, String expectedFragment) {
        assertThatThrownBy(() -> ChangeEventCodec.decode(value))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("not a change event: ")
                .hasMessageContaining(expectedFragment)
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsATombstone() {
        assertThatThrownBy(() -> ChangeEventCodec.decode(null))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("tombstone");
    }

    @Test
    void acceptsTheValidTemplateTheFailuresAreMadeFrom() {
        org.assertj.core.api.Assertions.assertThat(ChangeEventCodec.decode(bytes(VALID)).op()).isEqualTo(Op.CREATE);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
