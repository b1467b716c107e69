package dev.pgcdc.replicator.value;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.common.event.Source;
import dev.pgcdc.replicator.pgoutput.ColumnValue;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Insert;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.RecordedMessage;
import dev.pgcdc.replicator.pgoutput.RelationCache;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Converts every column of the rows in types.tsv, which PostgreSQL 15 recorded with the session time
 * zone Asia/Kolkata, using the built-in catalog plus the recorded pg_type rows of the user types.
 */
class RecordedValuesTest {

    private static final ObjectMapper WRITER = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private static final TypeCatalog CATALOG = BuiltinTypeCatalog.INSTANCE
            .orElse(TypeCatalog.of(RecordedTypes.load("user-types.tsv")));

    private static final Map<String, List<ObjectNode>> ROWS = convertRecordedRows();

    @Test
    void integersBooleansAndOidsBecomeJsonNumbersAndBooleans() {
        ObjectNode first = row("scalars", 0);
        ObjectNode second = row("scalars", 1);

        assertThat(json(first, "c_bool", "c_int2", "c_int4", "c_int8", "c_oid")).isEqualTo(
                "[true,32767,-2147483648,9223372036854775807,4294967295]");
        assertThat(json(second, "c_bool", "c_int2", "c_int8", "c_oid")).isEqualTo(
                "[false,-32768,-9223372036854775808,0]");
    }

    @Test
    void numericKeepsEveryDigitAndItsScale() {
        assertThat(parsed(row("scalars", 0).get("c_numeric")).decimalValue())
                .isEqualTo(new BigDecimal("12345678901234567890.123456789012345678900"));
        assertThat(json(row("scalars", 0), "c_numeric")).isEqualTo("[12345678901234567890.123456789012345678900]");
        assertThat(json(row("scalars", 2), "c_numeric")).isEqualTo("[-0.000000100]");
        assertThat(json(row("scalars", 4), "c_numeric")).isEqualTo("[123456789012345678901234567890"
                + "123456789012345678901234567890.000000000000000000000000000000000000001]");
        assertThat(json(row("scalars", 1), "c_numeric")).isEqualTo("[\"NaN\"]");
    }

    @Test
    void floatingPointValuesAreNumbersExceptNanAndInfinities() {
        assertThat(json(row("scalars", 0), "c_float4", "c_float8")).isEqualTo("[1.1,0.1]");
        assertThat(json(row("scalars", 1), "c_float4", "c_float8")).isEqualTo("[\"NaN\",\"-Infinity\"]");
        assertThat(json(row("scalars", 2), "c_float4", "c_float8")).isEqualTo("[\"Infinity\",1.7976931348623157E308]");
    }

    @Test
    void characterTypesKeepTheirTextExactly() {
        ObjectNode first = row("scalars", 0);

        assertThat(first.get("c_text").textValue()).isEqualTo("h\u00e9llo \"w\u00f6rld\" \\ tab\tend \uD83D\uDE00");
        assertThat(json(first, "c_varchar", "c_bpchar", "c_char", "c_name", "c_uuid")).isEqualTo(
                "[\"varchar\",\"ab   \",\"x\",\"a_name\",\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]");
        assertThat(row("scalars", 2).get("c_text").textValue()).isEqualTo("line1\nline2");
        assertThat(json(row("scalars", 1), "c_text", "c_bpchar")).isEqualTo("[\"\",\"     \"]");
    }

    @Test
    void jsonAndJsonbBecomeNestedJsonWithExactNumbers() {
        ObjectNode first = row("scalars", 0);

        assertThat(json(first, "c_json")).isEqualTo(
                "[{\"a\":[1,2.50,{\"b\":null}],\"big\":12345678901234567890123}]");
        // jsonb is carried as raw JSON text: read what it writes.
        JsonNode jsonb = parsed(first.get("c_jsonb"));
        assertThat(jsonb.get("pi").decimalValue()).isEqualTo(new BigDecimal("3.14159265358979323846264338327950288"));
        assertThat(json(jsonb, "z", "nested")).isEqualTo("[1.10,{\"arr\":[true,false,null,\"s\"]}]");
        assertThat(json(row("scalars", 1), "c_json", "c_jsonb")).isEqualTo("[\"just a string\",[]]");
        assertThat(parsed(row("scalars", 2).get("c_jsonb")).at("/deep/deeper/deepest/1/1/0").intValue()).isEqualTo(3);
        assertThat(parsed(row("scalars", 2).get("c_jsonb")).get("empty").isObject()).isTrue();
    }

    @Test
    void byteaBecomesBase64() {
        assertThat(json(row("scalars", 0), "c_bytea")).isEqualTo("[\"3q2+7wD/\"]");
        assertThat(json(row("scalars", 1), "c_bytea")).isEqualTo("[\"\"]");
    }

    @Test
    void datesAndTimestampsBecomeIsoStringsWithTimestamptzInUtc() {
        assertThat(json(row("scalars", 0), "c_date", "c_time", "c_timetz", "c_timestamp", "c_timestamptz"))
                .isEqualTo("[\"2024-02-29\",\"23:59:59.999999\",\"12:34:56.789+05:30\",\"2024-02-29T13:14:15.123456\","
                        + "\"2024-02-29T12:14:15.123456Z\"]");
        assertThat(json(row("scalars", 1), "c_date", "c_time", "c_timetz", "c_timestamp", "c_timestamptz"))
                .isEqualTo("[\"infinity\",\"24:00:00\",\"00:00:00-12:00\",\"-infinity\",\"infinity\"]");
    }

    @Test
    void historicOffsetsBcDatesAndFiveDigitYearsAreConverted() {
        // Kolkata's local mean time in 1900 was +05:21:10; in 44 BC PostgreSQL uses +05:53:28.
        assertThat(json(row("scalars", 2), "c_date", "c_timestamp", "c_timestamptz", "c_timetz"))
                .isEqualTo("[\"-0043-03-15\",\"-0043-03-15T10:00:00.5\",\"1900-01-01T00:00:00Z\","
                        + "\"23:59:59.999999+14:59\"]");
        assertThat(json(row("scalars", 4), "c_date", "c_timestamptz"))
                .isEqualTo("[\"+10000-01-01\",\"-0043-03-15T10:00:00Z\"]");
    }

    @Test
    void intervalsBecomeIso8601Durations() {
        assertThat(row("scalars", 0).get("c_interval").textValue()).isEqualTo("P1Y2M3DT4H5M6.5S");
        assertThat(row("scalars", 1).get("c_interval").textValue()).isEqualTo("P-1DT2H3M");
        assertThat(row("scalars", 2).get("c_interval").textValue()).isEqualTo("P-1Y-2M3DT-4H-5M-6.000001S");
        assertThat(row("scalars", 4).get("c_interval").textValue()).isEqualTo("PT0S");
    }

    @Test
    void networkMoneyBitXmlAndTextSearchTypesStayText() {
        assertThat(json(row("scalars", 0), "c_inet", "c_cidr", "c_macaddr", "c_macaddr8", "c_money", "c_bit",
                "c_varbit", "c_xml", "c_tsvector")).isEqualTo("[\"192.168.0.1/24\",\"10.0.0.0/8\","
                + "\"08:00:2b:01:02:03\","
                + "\"08:00:2b:01:02:03:04:05\",\"$1,234.56\",\"1010\",\"101\",\"<a href=\\\"x\\\">t &amp; u</a>\","
                + "\"'a' 'cat' 'fat' 'mat' 'on' 'sat'\"]");
        assertThat(json(row("scalars", 1), "c_inet", "c_money", "c_varbit")).isEqualTo("[\"::1\",\"-$1,234.56\",\"\"]");
    }

    @Test
    void geometricTypesBecomePointsAndShapes() {
        assertThat(json(row("scalars", 0), "c_point", "c_line", "c_lseg", "c_box", "c_path", "c_polygon", "c_circle"))
                .isEqualTo("[{\"x\":1.5,\"y\":-2.0},{\"a\":1.0,\"b\":-1.0,\"c\":0.0},"
                        + "[{\"x\":0.0,\"y\":0.0},{\"x\":1.0,\"y\":1.0}],"
                        + "[{\"x\":2.0,\"y\":2.0},{\"x\":0.0,\"y\":0.0}],"
                        + "{\"closed\":false,\"points\":"
                        + "[{\"x\":0.0,\"y\":0.0},{\"x\":1.0,\"y\":1.0},{\"x\":2.0,\"y\":0.0}]},"
                        + "[{\"x\":0.0,\"y\":0.0},{\"x\":1.0,\"y\":1.0},{\"x\":1.0,\"y\":0.0}],"
                        + "{\"center\":{\"x\":1.0,\"y\":2.0},\"radius\":3.0}]");
        assertThat(json(row("scalars", 1), "c_path", "c_polygon")).isEqualTo(
                "[{\"closed\":true,\"points\":[{\"x\":0.0,\"y\":0.0},{\"x\":1.0,\"y\":0.0},{\"x\":1.0,\"y\":1.0}]},"
                        + "[{\"x\":0.0,\"y\":0.0}]]");
    }

    @Test
    void sqlNullsBecomeJsonNulls() {
        ObjectNode allNull = row("scalars", 3);

        assertThat(allNull.size()).isEqualTo(40);
        allNull.properties().stream()
                .filter(column -> !column.getKey().equals("id"))
                .forEach(column -> assertThat(column.getValue().isNull()).as(column.getKey()).isTrue());
    }

    @Test
    void arraysBecomeNestedJsonArraysWithNullElementsAndConvertedElements() {
        ObjectNode arrays = row("arrays", 0);

        assertThat(json(arrays, "a_int4", "a_int8_2d", "a_int4_3d", "a_numeric", "a_bool")).isEqualTo(
                "[[1,2,null],[[1,2],[3,4]],[[[1,2],[3,4]],[[5,6],[7,8]]],[1.10,\"NaN\",-0.5],[true,false,null]]");
        assertThat(json(arrays, "a_text")).isEqualTo("[[\"a b\",\"with \\\"quote\\\"\",\"back\\\\slash\",null,"
                + "\"NULL\",\"\",\"x,y\",\"{braces}\",\"plain\",\"\u00e9\"]]");
        assertThat(json(arrays, "a_tstz", "a_jsonb", "a_bytea", "a_date", "a_uuid")).isEqualTo(
                "[[\"2024-01-01T00:00:00Z\",\"infinity\"],[{\"k\": [1, 2]},null,\"s\"],[\"AQI=\",\"\"],"
                        + "[\"2024-01-01\",\"infinity\"],[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]]");
        assertThat(json(arrays, "a_box", "a_int4range", "a_float8", "a_interval", "a_bounded")).isEqualTo(
                "[[[{\"x\":1.0,\"y\":1.0},{\"x\":0.0,\"y\":0.0}],[{\"x\":3.0,\"y\":3.0},{\"x\":2.0,\"y\":2.0}]],"
                        + "[{\"gte\":1,\"lt\":3},{\"empty\":true}],[1.5,\"NaN\",\"Infinity\",\"-Infinity\"],"
                        + "[\"P1D\",\"PT-1S\"],[7,8,9]]");
        assertThat(json(row("arrays", 1), "a_int4", "a_text", "a_int8_2d")).isEqualTo("[[],[],[]]");
    }

    @Test
    void rangesAndMultirangesBecomeBoundObjectsWithConvertedBounds() {
        assertThat(json(row("ranges", 0), "r_int4", "r_int8", "r_num", "r_ts", "r_tstz", "r_date", "r_int4multi"))
                .isEqualTo("[{\"gte\":1,\"lt\":10},{\"lt\":101},{\"gte\":1.5,\"lte\":2.50},"
                        + "{\"gte\":\"2024-01-01T00:00:00\",\"lt\":\"2024-02-01T00:00:00\"},"
                        + "{\"gte\":\"2024-01-01T00:00:00Z\"},{\"gte\":\"2024-01-01\",\"lt\":\"infinity\"},"
                        + "[{\"gte\":1,\"lt\":3},{\"gte\":5,\"lt\":8}]]");
        assertThat(json(row("ranges", 1), "r_int4", "r_int8", "r_ts", "r_int4multi"))
                .isEqualTo("[{\"empty\":true},{},{\"lt\":\"2024-01-01T12:00:00\"},[]]");
    }

    @Test
    void userDefinedTypesConvertThroughTheirDefinition() {
        assertThat(json(row("user_types", 0), "u_mood", "u_posint", "u_hstore", "u_floatrange", "u_pair",
                "u_mood_arr", "u_hstore_arr", "u_posint_arr")).isEqualTo("[\"happy\",42,"
                + "{\"a\":\"1\",\"b c\":null,\"quo\\\"te\":\"back\\\\slash\"},"
                + "{\"gt\":1.5,\"lte\":2.5},\"(1,\\\"x y\\\")\","
                + "[\"sad\",\"happy\"],[{\"k\":\"v\"},{}],[1,null,3]]");
    }

    @Test
    void everyColumnHasItsCanonicalTypeName() {
        ValueConverter converter = new ValueConverter(CATALOG);
        Map<String, String> names = new LinkedHashMap<>();
        for (RecordedMessage recorded : RecordedMessage.load("types.tsv")) {
            PgOutputMessage message = recorded.decode();
            if (message instanceof Relation relation) {
                relation.columns().forEach(column ->
                        names.put(column.name(), converter.typeName(column.typeOid()).orElse("?")));
            }
        }

        assertThat(names).containsEntry("c_int4", "int4").containsEntry("c_numeric", "numeric")
                .containsEntry("c_bpchar", "bpchar").containsEntry("c_timestamptz", "timestamptz")
                .containsEntry("a_text", "_text").containsEntry("a_box", "_box")
                .containsEntry("r_int4multi", "int4multirange").containsEntry("u_mood", "mood")
                .containsEntry("u_posint", "posint").containsEntry("u_hstore", "hstore")
                .containsEntry("u_pair", "pair").containsEntry("u_hstore_arr", "_hstore")
                .doesNotContainValue("?");
    }

    @Test
    void everyRecordedValueIsWrittenAsTheMapperWritesItAndReadsBack() throws JsonProcessingException {
        ObjectWriter reference = ChangeEventCodec.MAPPER.writerFor(ChangeEvent.class);
        int values = 0;
        for (Map.Entry<String, List<ObjectNode>> table : ROWS.entrySet()) {
            for (ObjectNode row : table.getValue()) {
                List<Column> columns = new ArrayList<>();
                row.fieldNames().forEachRemaining(name -> columns.add(new Column(name, "recorded", columns.isEmpty())));
                String keyColumn = columns.get(0).name();
                Source source = new Source("test", Source.CONNECTOR, "slot", "db", "public", table.getKey(), 7L, 16, 32, 0,
                        1_700_000_000_000L, SnapshotMarker.FALSE);
                ChangeEvent event = new ChangeEvent(null, row, Op.CREATE, 1_700_000_000_001L, source,
                        JsonNodeFactory.instance.objectNode().set(keyColumn, row.get(keyColumn)), columns, List.of());

                byte[] bytes = ChangeEventCodec.encode(event);
                ChangeEvent decoded = ChangeEventCodec.decode(bytes);

                assertThat(new String(bytes, StandardCharsets.UTF_8)).as("row of %s", table.getKey())
                        .isEqualTo(new String(reference.writeValueAsBytes(event), StandardCharsets.UTF_8));
                for (Column column : columns) {
                    JsonNode written = row.get(column.name());
                    JsonNode read = decoded.after().get(column.name());
                    if (written.isFloatingPointNumber() && !written.isBigDecimal()) {
                        // Read back as a BigDecimal (the codec reads every fraction exactly) of the same digits.
                        assertThat(read.decimalValue()).as("%s.%s", table.getKey(), column.name())
                                .isEqualByComparingTo(new BigDecimal(written.asText()));
                    } else {
                        // parsed: a jsonb value is written as PostgreSQL's text and read back as its tree.
                        assertThat(WRITER.writeValueAsString(read)).as("%s.%s", table.getKey(), column.name())
                                .isEqualTo(WRITER.writeValueAsString(parsed(written)));
                    }
                    values++;
                }
            }
        }
        assertThat(values).as("values in types.tsv").isGreaterThan(100);
    }

    private static ObjectNode row(String table, int index) {
        List<ObjectNode> rows = ROWS.get(table);
        assertThat(rows).as("rows of %s", table).hasSizeGreaterThan(index);
        return rows.get(index);
    }

    /** Serialises the named members as a JSON array, numbers exactly as their nodes hold them. */
    /** The value as the event writer writes it, read back as a tree. */
    private static JsonNode parsed(JsonNode value) {
        try {
            return ChangeEventCodec.readTree(WRITER.writeValueAsBytes(value));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(JsonNode object, String... names) {
        var array = JsonNodeFactory.instance.arrayNode();
        for (String name : names) {
            assertThat(object.has(name)).as("column %s", name).isTrue();
            array.add(object.get(name));
        }
        try {
            return WRITER.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<ObjectNode>> convertRecordedRows() {
        ValueConverter converter = new ValueConverter(CATALOG);
        RelationCache relations = new RelationCache();
        Map<String, List<ObjectNode>> rows = new LinkedHashMap<>();
        for (RecordedMessage recorded : RecordedMessage.load("types.tsv")) {
            PgOutputMessage message = recorded.decode();
            relations.remember(message);
            if (message instanceof Insert insert) {
                Relation relation = relations.relation(insert.relationId());
                ObjectNode row = JsonNodeFactory.instance.objectNode();
                for (int i = 0; i < relation.columns().size(); i++) {
                    ColumnValue value = insert.newTuple().get(i);
                    String text = value instanceof ColumnValue.Text t ? t.value() : null;
                    Relation.Column column = relation.columns().get(i);
                    row.set(column.name(), converter.toJson(column.typeOid(), text));
                }
                rows.computeIfAbsent(relation.name(), name -> new ArrayList<>()).add(row);
            }
        }
        return rows;
    }
}
