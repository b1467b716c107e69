package dev.pgcdc.replicator.value;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-written values for the cases the recorded fixtures do not reach, above all malformed text. */
class ValueConverterTest {

    private static final ObjectMapper WRITER = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private static final int MOOD = 20001;
    private static final int MOOD_ARRAY = 20002;
    private static final int POSINT = 20003;
    private static final int POSINT_ARRAY = 20004;
    private static final int PAIR = 20005;
    private static final int TAGS_DOMAIN = 20006;
    private static final int LOOP_A = 20007;
    private static final int LOOP_B = 20008;
    private static final int HSTORE = 20009;
    private static final int FLOATRANGE = 20010;
    private static final int FLOATMULTIRANGE = 20011;

    private static final TypeCatalog USER_TYPES = TypeCatalog.of(List.of(
            new PgType(MOOD, "public", "mood", PgType.Kind.ENUM, 'E', 0, 0, ','),
            new PgType(MOOD_ARRAY, "public", "_mood", PgType.Kind.BASE, 'A', MOOD, 0, ','),
            new PgType(POSINT, "public", "posint", PgType.Kind.DOMAIN, 'N', 0, BuiltinTypeCatalog.INT4, ','),
            new PgType(POSINT_ARRAY, "public", "_posint", PgType.Kind.BASE, 'A', POSINT, 0, ','),
            new PgType(PAIR, "public", "pair", PgType.Kind.COMPOSITE, 'C', 0, 0, ','),
            new PgType(TAGS_DOMAIN, "public", "tags", PgType.Kind.DOMAIN, 'A', 0, 1009, ','),
            new PgType(LOOP_A, "public", "loop_a", PgType.Kind.DOMAIN, 'N', 0, LOOP_B, ','),
            new PgType(LOOP_B, "public", "loop_b", PgType.Kind.DOMAIN, 'N', 0, LOOP_A, ','),
            new PgType(HSTORE, "ext", "hstore", PgType.Kind.BASE, 'U', 0, 0, ','),
            new PgType(FLOATRANGE, "public", "floatrange", PgType.Kind.RANGE, 'R', BuiltinTypeCatalog.FLOAT8, 0, ','),
            new PgType(FLOATMULTIRANGE, "public", "floatmultirange", PgType.Kind.MULTIRANGE, 'R', FLOATRANGE, 0, ',')));

    private final ValueConverter converter = new ValueConverter(BuiltinTypeCatalog.INSTANCE.orElse(USER_TYPES));

    @Test
    void sqlNullIsJsonNull() {
        assertThat(converter.toJson(BuiltinTypeCatalog.INT4, null).isNull()).isTrue();
    }

    @Nested
    class FallsBackToTheTextWhenTheTextDoesNotParse {

        @ParameterizedTest(name = "{0} ''{1}''")
        @CsvSource(delimiter = '|', value = {
            "23   | 12abc",
            "23   | 99999999999",
            "20   | 9223372036854775808",
            "26   | -1",
            "16   | maybe",
            "1700 | 1.2.3",
            "700  | 0x1p3",
            "701  | 1d",
            "114  | {\"unterminated\": ",
            "17   | \\xabc",
            "17   | \\q",
            "1082 | 2024-02-30",
            "1082 | 02/29/2024",
            "1082 | 0000-01-01",
            "1083 | 25:00:00",
            "1266 | 10:00:00+25",
            "1114 | 2024-02-29T13:14:15",
            "1184 | 2024-02-29 13:14:15",
            "1184 | yesterday",
            "1186 | @ 1 day",
            "1186 | 1 fortnight",
            "600  | (1,2",
            "718  | <(1,2),3",
            "1007 | {1,2",
            "1007 | {1,x,3}",
            "1007 | {1,,3}",
            "3904 | [1,2",
            "3904 | [a,b)",
            "4451 | {[1,2),",
        })
        void forMalformedBuiltinValues(int typeOid, String text) {
            JsonNode value = converter.toJson(typeOid, text);

            assertThat(value.isTextual()).as("fell back to text").isTrue();
            assertThat(value.textValue()).isEqualTo(text);
        }

        @Test
        void forTypesTheCatalogDoesNotKnow() {
            assertThat(converter.toJson(999_999, "{1,2}").textValue()).isEqualTo("{1,2}");
            assertThat(converter.typeName(999_999)).isEmpty();
        }

        @Test
        void forACatalogWhoseDomainsReferToEachOther() {
            assertThat(converter.toJson(LOOP_A, "42").textValue()).isEqualTo("42");
        }

        @Test
        void forMalformedHstore() {
            assertThat(converter.toJson(HSTORE, "\"a\"=>").textValue()).isEqualTo("\"a\"=>");
            assertThat(converter.toJson(HSTORE, "NULL=>\"b\"").textValue()).isEqualTo("NULL=>\"b\"");
        }
    }

    @Test
    void typesTheCatalogLearnsLaterAreConvertedOnceKnown() {
        Map<Integer, PgType> learned = new ConcurrentHashMap<>();
        ValueConverter late = new ValueConverter(oid -> Optional.ofNullable(learned.get(oid)));

        JsonNode before = late.toJson(POSINT, "42");
        learned.put(POSINT, new PgType(POSINT, "public", "posint", PgType.Kind.DOMAIN, 'N', 0,
                BuiltinTypeCatalog.INT4, ','));
        learned.put(BuiltinTypeCatalog.INT4, BuiltinTypeCatalog.INSTANCE.lookup(BuiltinTypeCatalog.INT4).orElseThrow());

        assertThat(before.textValue()).isEqualTo("42");
        assertThat(late.toJson(POSINT, "42").intValue()).isEqualTo(42);
    }

    @Test
    void userTypesConvertAsTheirDefinitionSays() {
        assertThat(json(MOOD, "happy")).isEqualTo("\"happy\"");
        assertThat(json(MOOD_ARRAY, "{sad,\"very happy\",NULL}")).isEqualTo("[\"sad\",\"very happy\",null]");
        assertThat(json(POSINT, "7")).isEqualTo("7");
        assertThat(json(POSINT_ARRAY, "{7,NULL}")).isEqualTo("[7,null]");
        assertThat(json(TAGS_DOMAIN, "{a,b}")).as("domain over text[]").isEqualTo("[\"a\",\"b\"]");
        assertThat(json(PAIR, "(1,\"x y\")")).as("composite stays text").isEqualTo("\"(1,\\\"x y\\\")\"");
        assertThat(json(FLOATRANGE, "[-Infinity,2.5)")).isEqualTo("{\"gte\":\"-Infinity\",\"lt\":2.5}");
        assertThat(json(FLOATMULTIRANGE, "{[1,2),(3,4]}"))
                .isEqualTo("[{\"gte\":1.0,\"lt\":2.0},{\"gt\":3.0,\"lte\":4.0}]");
        assertThat(json(HSTORE, "")).isEqualTo("{}");
        assertThat(converter.typeName(MOOD_ARRAY)).contains("_mood");
    }

    @Test
    void byteaInEscapeFormatIsDecodedToo() {
        // bytea_output = 'escape' prints a backslash as \\ and non-printable bytes as three octal digits.
        assertThat(json(BuiltinTypeCatalog.BYTEA, "ab\\\\\\000\\377")).isEqualTo("\"YWJcAP8=\"");
    }

    @Test
    void intervalAlreadyInIso8601StyleIsKept() {
        assertThat(json(BuiltinTypeCatalog.INTERVAL, "P1Y2M")).isEqualTo("\"P1Y2M\"");
        assertThat(json(BuiltinTypeCatalog.INTERVAL, "2562047788 days 01:02:03.000100"))
                .isEqualTo("\"P2562047788DT1H2M3.0001S\"");
        assertThat(json(BuiltinTypeCatalog.INTERVAL, "-2562047788:00:54.775807"))
                .isEqualTo("\"PT-2562047788H-54.775807S\"");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"0", "-0.5", "0.000", "12.50", "123456789012345678901234567890.000000000000000000001"})
    void numericIsCarriedAsItsTextWhenThatIsAJsonNumber(String text) {
        assertThat(NumericText.isPlainJsonNumber(text)).isTrue();
        assertThat(json(BuiltinTypeCatalog.NUMERIC, text)).isEqualTo(text);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "-", ".5", "5.", "01", "-01.5", "+1", "1e5", "1.2.3", "1,5", " 1", "NaN"})
    void textThatIsNoPlainJsonNumberIsNotOne(String text) {
        assertThat(NumericText.isPlainJsonNumber(text)).isFalse();
    }

    @Test
    void numbersKeepTheirExactTextualValue() {
        assertThat(json(BuiltinTypeCatalog.NUMERIC, "1.10")).isEqualTo("1.10");
        assertThat(json(BuiltinTypeCatalog.NUMERIC, "-Infinity")).isEqualTo("\"-Infinity\"");
        assertThat(json(BuiltinTypeCatalog.FLOAT4, "3.4028235e+38")).isEqualTo("3.4028235E38");
        assertThat(json(BuiltinTypeCatalog.JSON, "[0.1000, 123456789012345678901234567890]"))
                .isEqualTo("[0.1000,123456789012345678901234567890]");
        // jsonb is carried as PostgreSQL's text (JsonTextTest).
        assertThat(json(BuiltinTypeCatalog.JSONB, "[0.1000, 123456789012345678901234567890]"))
                .isEqualTo("[0.1000, 123456789012345678901234567890]");
        // PostgreSQL prints a jsonb number as numeric does: every digit, never an exponent.
        String digits = "1" + "0".repeat(400);
        assertThat(json(BuiltinTypeCatalog.JSONB, "[" + digits + ".5]")).isEqualTo("[" + digits + ".5]");
    }

    @Test
    void timestampFractionsAreKeptToTheMicrosecondWithoutTrailingZeros() {
        assertThat(json(BuiltinTypeCatalog.TIMESTAMPTZ, "2024-01-01 00:00:00.000001-03:30"))
                .isEqualTo("\"2024-01-01T03:30:00.000001Z\"");
        assertThat(json(BuiltinTypeCatalog.TIMESTAMPTZ, "2024-12-31 23:30:00.12+00"))
                .isEqualTo("\"2024-12-31T23:30:00.12Z\"");
        assertThat(json(BuiltinTypeCatalog.TIMESTAMPTZ, "0001-01-01 00:30:00+01 BC"))
                .as("crossing into 2 BC").isEqualTo("\"-0001-12-31T23:30:00Z\"");
        assertThat(json(BuiltinTypeCatalog.TIMETZ, "10:00:00+00")).isEqualTo("\"10:00:00+00:00\"");
    }

    @Test
    void arrayLiteralsAcceptTheWholeInputSyntax() {
        assertThat(json(1009, "{ a , \"b\" ,c\\,d,\"NULL\",null}")).isEqualTo("[\"a\",\"b\",\"c,d\",\"NULL\",null]");
        assertThat(json(1009, "{\\NULL}")).as("an escaped NULL is a string").isEqualTo("[\"NULL\"]");
        assertThat(json(1007, "[1:1][-1:0]={{1,2}}")).isEqualTo("[[1,2]]");
        assertThat(json(1017, "{\"(1,2)\",NULL}")).as("point[]").isEqualTo("[{\"x\":1.0,\"y\":2.0},null]");
    }

    @Test
    void rangeBoundsMayBeQuotedWithDoubledQuotesAndBackslashes() {
        int textRange = 30000;
        PgType textRangeType = new PgType(textRange, "public", "textrange", PgType.Kind.RANGE, 'R',
                BuiltinTypeCatalog.TEXT, 0, ',');
        ValueConverter withTextRange = new ValueConverter(
                BuiltinTypeCatalog.INSTANCE.orElse(TypeCatalog.of(List.of(textRangeType))));

        assertThat(write(withTextRange.toJson(textRange, "[\"a\"\"b\",\"c\\\\d\"]")))
                .isEqualTo("{\"gte\":\"a\\\"b\",\"lte\":\"c\\\\d\"}");
        assertThat(write(withTextRange.toJson(textRange, "(\"\",)"))).as("an empty bound is not an infinite one")
                .isEqualTo("{\"gt\":\"\"}");
    }

    private String json(int typeOid, String text) {
        return write(converter.toJson(typeOid, text));
    }

    private static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
