package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every supported type, through the real server and broker, checked on the Kafka record. */
@Timeout(120)
class TypesIT {

    @Test
    void shouldWriteEveryTypeAsJsonOfTheRightKind() throws Exception {
        try (Scenario scenario = new Scenario("types").tables("[public.items]")) {
            scenario.sql("CREATE EXTENSION hstore",
                    "CREATE TYPE mood AS ENUM ('sad', 'happy')",
                    "CREATE DOMAIN posint AS int CHECK (VALUE > 0)",
                    "CREATE TABLE items (id int PRIMARY KEY, c_int2 smallint, c_int4 int, c_int8 bigint,"
                            + " c_num numeric, c_num_nan numeric, c_num_inf numeric, c_real real, c_double double precision,"
                            + " c_bool boolean, c_text text, c_varchar varchar(10), c_char char(3), c_name name, c_uuid uuid,"
                            + " c_json json, c_jsonb jsonb, c_bytea bytea, c_date date, c_time time, c_timetz timetz,"
                            + " c_ts timestamp, c_tstz timestamptz, c_interval interval, c_int_arr int[],"
                            + " c_text_arr2 text[][], c_mood mood, c_mood_arr mood[], c_posint posint, c_inet inet,"
                            + " c_cidr cidr, c_mac macaddr, c_money money, c_bit bit(4), c_varbit varbit, c_xml xml,"
                            + " c_tsvector tsvector, c_range int4range, c_tsrange tstzrange, c_hstore hstore, c_point point,"
                            + " c_box box, c_oid oid, c_null text)",
                    "SET TIME ZONE 'Europe/Berlin'");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("SET TIME ZONE 'Europe/Berlin'; INSERT INTO items VALUES (1, -32768, 2147483647, 9223372036854775807,"
                    + " 12345678901234567890.123456789012345678, 'NaN', 'Infinity', 1.5, 2.25,"
                    + " true, 'héllo \"wörld\" ✓', 'abc', 'ab', 'pg_name', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                    + " '{\"a\": [1, 2.50, null]}', '{\"b\": {\"c\": true}}', '\\xdeadbeef', '2024-02-29', '13:14:15.123456',"
                    + " '13:14:15+02', '2024-02-29 13:14:15.5', '2024-02-29 13:14:15.5+01', '1 year 2 mons 3 days 04:05:06.5',"
                    + " '{1,NULL,3}', '{{a,b},{c,NULL}}', 'happy', '{sad,happy}', 7, '192.168.0.1/24', '10.0.0.0/8',"
                    + " '08:00:2b:01:02:03', '12.34', B'1010', B'101', '<a>x</a>', 'a fat cat', '[1,10)',"
                    + " '[2024-01-01 00:00+00,)', 'k=>v, n=>NULL', '(1.5,2)', '((0,0),(1,1))', 42, NULL)");

            ChangeEvent event = scenario.events(1, Duration.ofSeconds(30)).get(0);
            Map<String, String> types = new LinkedHashMap<>();
            for (Column column : event.columns()) {
                types.put(column.name(), column.type());
            }
            JsonNode after = event.after();
            Map<String, String> actual = new LinkedHashMap<>();
            after.fields().forEachRemaining(entry -> actual.put(entry.getKey(),
                    entry.getValue().getNodeType() + " " + entry.getValue()));
            assertThat(types).as("column types").containsExactlyEntriesOf(linked(
                    Map.entry("id", "int4"),
                    Map.entry("c_int2", "int2"),
                    Map.entry("c_int4", "int4"),
                    Map.entry("c_int8", "int8"),
                    Map.entry("c_num", "numeric"),
                    Map.entry("c_num_nan", "numeric"),
                    Map.entry("c_num_inf", "numeric"),
                    Map.entry("c_real", "float4"),
                    Map.entry("c_double", "float8"),
                    Map.entry("c_bool", "bool"),
                    Map.entry("c_text", "text"),
                    Map.entry("c_varchar", "varchar"),
                    Map.entry("c_char", "bpchar"),
                    Map.entry("c_name", "name"),
                    Map.entry("c_uuid", "uuid"),
                    Map.entry("c_json", "json"),
                    Map.entry("c_jsonb", "jsonb"),
                    Map.entry("c_bytea", "bytea"),
                    Map.entry("c_date", "date"),
                    Map.entry("c_time", "time"),
                    Map.entry("c_timetz", "timetz"),
                    Map.entry("c_ts", "timestamp"),
                    Map.entry("c_tstz", "timestamptz"),
                    Map.entry("c_interval", "interval"),
                    Map.entry("c_int_arr", "_int4"),
                    Map.entry("c_text_arr2", "_text"),
                    Map.entry("c_mood", "mood"),
                    Map.entry("c_mood_arr", "_mood"),
                    Map.entry("c_posint", "posint"),
                    Map.entry("c_inet", "inet"),
                    Map.entry("c_cidr", "cidr"),
                    Map.entry("c_mac", "macaddr"),
                    Map.entry("c_money", "money"),
                    Map.entry("c_bit", "bit"),
                    Map.entry("c_varbit", "varbit"),
                    Map.entry("c_xml", "xml"),
                    Map.entry("c_tsvector", "tsvector"),
                    Map.entry("c_range", "int4range"),
                    Map.entry("c_tsrange", "tstzrange"),
                    Map.entry("c_hstore", "hstore"),
                    Map.entry("c_point", "point"),
                    Map.entry("c_box", "box"),
                    Map.entry("c_oid", "oid"),
                    Map.entry("c_null", "text")));
            assertThat(actual).as("JSON kind and value of each column").containsExactlyEntriesOf(linked(
                    Map.entry("id", "NUMBER 1"),
                    Map.entry("c_int2", "NUMBER -32768"),
                    Map.entry("c_int4", "NUMBER 2147483647"),
                    Map.entry("c_int8", "NUMBER 9223372036854775807"),
                    Map.entry("c_num", "NUMBER 12345678901234567890.123456789012345678"),
                    Map.entry("c_num_nan", "STRING \"NaN\""),
                    Map.entry("c_num_inf", "STRING \"Infinity\""),
                    Map.entry("c_real", "NUMBER 1.5"),
                    Map.entry("c_double", "NUMBER 2.25"),
                    Map.entry("c_bool", "BOOLEAN true"),
                    Map.entry("c_text", "STRING \"héllo \\\"wörld\\\" ✓\""),
                    Map.entry("c_varchar", "STRING \"abc\""),
                    Map.entry("c_char", "STRING \"ab \""),
                    Map.entry("c_name", "STRING \"pg_name\""),
                    Map.entry("c_uuid", "STRING \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
                    Map.entry("c_json", "OBJECT {\"a\":[1,2.50,null]}"),
                    Map.entry("c_jsonb", "OBJECT {\"b\":{\"c\":true}}"),
                    Map.entry("c_bytea", "STRING \"3q2+7w==\""),
                    Map.entry("c_date", "STRING \"2024-02-29\""),
                    Map.entry("c_time", "STRING \"13:14:15.123456\""),
                    Map.entry("c_timetz", "STRING \"13:14:15+02:00\""),
                    Map.entry("c_ts", "STRING \"2024-02-29T13:14:15.5\""),
                    Map.entry("c_tstz", "STRING \"2024-02-29T12:14:15.5Z\""),
                    Map.entry("c_interval", "STRING \"P1Y2M3DT4H5M6.5S\""),
                    Map.entry("c_int_arr", "ARRAY [1,null,3]"),
                    Map.entry("c_text_arr2", "ARRAY [[\"a\",\"b\"],[\"c\",null]]"),
                    Map.entry("c_mood", "STRING \"happy\""),
                    Map.entry("c_mood_arr", "ARRAY [\"sad\",\"happy\"]"),
                    Map.entry("c_posint", "NUMBER 7"),
                    Map.entry("c_inet", "STRING \"192.168.0.1/24\""),
                    Map.entry("c_cidr", "STRING \"10.0.0.0/8\""),
                    Map.entry("c_mac", "STRING \"08:00:2b:01:02:03\""),
                    Map.entry("c_money", "STRING \"$12.34\""),
                    Map.entry("c_bit", "STRING \"1010\""),
                    Map.entry("c_varbit", "STRING \"101\""),
                    Map.entry("c_xml", "STRING \"<a>x</a>\""),
                    Map.entry("c_tsvector", "STRING \"'a' 'cat' 'fat'\""),
                    Map.entry("c_range", "OBJECT {\"gte\":1,\"lt\":10}"),
                    Map.entry("c_tsrange", "OBJECT {\"gte\":\"2024-01-01T00:00:00Z\"}"),
                    Map.entry("c_hstore", "OBJECT {\"k\":\"v\",\"n\":null}"),
                    Map.entry("c_point", "OBJECT {\"x\":1.5,\"y\":2.0}"),
                    Map.entry("c_box", "ARRAY [{\"x\":1.0,\"y\":1.0},{\"x\":0.0,\"y\":0.0}]"),
                    Map.entry("c_oid", "NUMBER 42"),
                    Map.entry("c_null", "NULL null")));
            assertThat(event.keyColumns()).containsExactly("id");
        }
    }

    /**
     * jsonb is carried as PostgreSQL's text without being parsed: the record value holds that text,
     * which reads as the JSON value it is; the record key, whose bytes choose the partition, holds the
     * compact JSON of the parsed tree, as for every other type.
     */
    @Test
    void shouldWriteJsonbAsPostgresTextInTheValueAndAsCompactJsonInTheKey() throws Exception {
        try (Scenario scenario = new Scenario("jsonb").tables("[public.items]")) {
            scenario.sql("CREATE TABLE items (id jsonb PRIMARY KEY, n int NOT NULL, body jsonb)");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES"
                    + " ('{\"k\": [1, \"x y\"]}', 1, '{\"b\": 1.50, \"a\": [true, null, -0.0010, 1.5e3, 1e20],"
                    + " \"s\": \"x, y: {z} \\\" \\\\ h\u00e9llo \u2713 \uD83D\uDE00\", \"empty\": {}, \"list\": []}'),"
                    + " (E'{\"ctl\": \"\\\\u001f\"}', 2, E'{\"ctl\": \"\\\\t\\\\n\\\\u0001\\\\u001f\\\\u007f\","
                    + " \"big\": 123456789012345678901234567890}'),"
                    + " ('42', 3, 'null'), ('[]', 4, '\"just text\"'), ('{}', 5, NULL)");

            List<ConsumerRecord<byte[], byte[]>> records = scenario.records(5, Duration.ofSeconds(30));
            Map<Integer, String[]> pgText = new LinkedHashMap<>();
            try (Connection c = scenario.connect(); Statement statement = c.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT n, id::text, body::text FROM items")) {
                while (rows.next()) {
                    pgText.put(rows.getInt(1), new String[] {rows.getString(2), rows.getString(3)});
                }
            }
            assertThat(pgText.get(2)[0]).as("PostgreSQL's own text has blanks and lower-case escapes")
                    .isEqualTo("{\"ctl\": \"\\u001f\"}");
            assertThat(records).hasSize(5);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                ChangeEvent event = ChangeEventCodec.decode(record.value());
                String[] text = pgText.get(event.after().get("n").intValue());
                String body = text[1] == null ? "null" : text[1];
                assertThat(new String(record.value(), StandardCharsets.UTF_8))
                        .contains("\"after\":{\"id\":" + text[0] + ",\"n\":")
                        .contains(",\"body\":" + body + "}");
                assertThat(treeJson(event.after().get("body").toString())).isEqualTo(treeJson(body));
                assertThat(new String(record.key(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"schema\":\"public\",\"table\":\"items\",\"key\":{\"id\":" + treeJson(text[0]) + "}}");
            }
            assertThat(new String(records.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8)
                    .contains("\"n\":2")).findFirst().orElseThrow().key(), StandardCharsets.UTF_8))
                    .contains("{\"id\":{\"ctl\":\"\\u001F\"}}");
        }
    }

    /** The compact JSON of the tree the text parses to, as the replicator writes every other value. */
    private static String treeJson(String text) throws IOException {
        return ChangeEventCodec.MAPPER.writeValueAsString(ChangeEventCodec.readTree(text.getBytes(StandardCharsets.UTF_8)));
    }

    @SafeVarargs
    private static Map<String, String> linked(Map.Entry<String, String>... entries) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : entries) {
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }
}
