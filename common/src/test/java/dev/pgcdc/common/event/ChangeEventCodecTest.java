package dev.pgcdc.common.event;

import static dev.pgcdc.common.event.TestEvents.TS_MS;
import static dev.pgcdc.common.event.TestEvents.delete;
import static dev.pgcdc.common.event.TestEvents.insert;
import static dev.pgcdc.common.event.TestEvents.object;
import static dev.pgcdc.common.event.TestEvents.source;
import static dev.pgcdc.common.event.TestEvents.user;
import static dev.pgcdc.common.event.TestEvents.userColumns;
import static dev.pgcdc.common.event.TestEvents.userKey;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeEventCodecTest {

    @Test
    void roundTripsAnUpdateWithEveryField() throws IOException {
        Source source = new Source("0.1.0", Source.CONNECTOR, "pgcdc", "mydb", "public", "users", 771L,
                0x16_0300_2D50L, 0x16_0300_2E00L, 3, TS_MS - 5, SnapshotMarker.INCREMENTAL);
        ChangeEvent event = new ChangeEvent(user(42, "old"), user(42, "new"), Op.UPDATE, TS_MS, source, userKey(42),
                userColumns(), List.of());

        byte[] bytes = ChangeEventCodec.encode(event);
        JsonNode json = ChangeEventCodec.readTree(bytes);

        assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(event);
        assertThat(fieldNames(json)).containsExactly("before", "after", "op", "ts_ms", "source", "key", "columns");
        assertThat(json.get("op").asText()).isEqualTo("u");
        assertThat(json.get("ts_ms").asLong()).isEqualTo(TS_MS);
        assertThat(json.get("before").get("name").asText()).isEqualTo("old");
        assertThat(json.get("after").get("name").asText()).isEqualTo("new");
        assertThat(json.get("key").get("id").asLong()).isEqualTo(42L);
        assertThat(json.get("columns").get(0)).isEqualTo(object().put("name", "id").put("type", "int8").put("key", true));
        JsonNode sourceJson = json.get("source");
        assertThat(fieldNames(sourceJson)).containsExactly("version", "connector", "name", "db", "schema", "table", "txId",
                "lsn", "commit_lsn", "sequence", "ts_ms", "snapshot");
        assertThat(sourceJson.get("connector").asText()).isEqualTo("pgcdc");
        assertThat(sourceJson.get("txId").asLong()).isEqualTo(771L);
        assertThat(sourceJson.get("lsn").asLong()).isEqualTo(0x16_0300_2D50L);
        assertThat(sourceJson.get("commit_lsn").asLong()).isEqualTo(0x16_0300_2E00L);
        assertThat(sourceJson.get("sequence").asLong()).isEqualTo(3);
        assertThat(sourceJson.get("snapshot").asText()).isEqualTo("incremental");
    }

    @Test
    void writesBeforeAsNullOnInsertAndAfterAsNullOnDelete() throws IOException {
        ChangeEvent insert = insert(user(1, "ann"));
        ChangeEvent delete = delete(user(1, "ann"));

        JsonNode insertJson = ChangeEventCodec.readTree(ChangeEventCodec.encode(insert));
        JsonNode deleteJson = ChangeEventCodec.readTree(ChangeEventCodec.encode(delete));

        assertThat(insertJson.has("before")).as("insert keeps an explicit before").isTrue();
        assertThat(insertJson.get("before").isNull()).isTrue();
        assertThat(deleteJson.has("after")).as("delete keeps an explicit after").isTrue();
        assertThat(deleteJson.get("after").isNull()).isTrue();
        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(insert))).isEqualTo(insert);
        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(delete))).isEqualTo(delete);
    }

    @Test
    void roundTripsSnapshotRowsWithoutTransactionId() {
        Source source = new Source("0.1.0", Source.CONNECTOR, "pgcdc", "mydb", "public", "users", null,
                0x10L, 0x10L, 0, TS_MS, SnapshotMarker.LAST);
        ChangeEvent event = new ChangeEvent(null, user(5, "eve"), Op.READ, TS_MS, source, userKey(5), userColumns(), null);

        ChangeEvent decoded = ChangeEventCodec.decode(ChangeEventCodec.encode(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.source().txId()).isNull();
        assertThat(decoded.source().snapshot()).isEqualTo(SnapshotMarker.LAST);
    }

    @Test
    void keepsUnicodeInValuesAndInSchemaTableAndColumnNamesExactly() {
        String precomposed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        List<Column> columns = List.of(new Column("键🔑", "int4", true), new Column(precomposed, "text", false),
                new Column(decomposed, "text", false));
        ObjectNode after = object().put("键🔑", 1).put(precomposed, "👍🏽 家族👨‍👩‍👧 Ωmega").put(decomposed, "Zalgo z\u0351\u0353\u0325");
        ChangeEvent event = new ChangeEvent(null, after, Op.CREATE, TS_MS, source("販売", "注文🧾"),
                object().put("键🔑", 1), columns, List.of());

        byte[] bytes = ChangeEventCodec.encode(event);
        ChangeEvent decoded = ChangeEventCodec.decode(bytes);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.source().qualifiedTable()).isEqualTo("販売.注文🧾");
        assertThat(decoded.after().get(precomposed).asText()).isEqualTo("👍🏽 家族👨‍👩‍👧 Ωmega");
        assertThat(decoded.after().get(decomposed).asText())
                .as("combining marks are kept, not normalised").isEqualTo("Zalgo z\u0351\u0353\u0325");
        assertThat(decoded.after().size()).as("é and e+\u0301 stay two columns").isEqualTo(3);
        assertThat(new String(bytes, UTF_8)).as("written as UTF-8, not escaped").contains("注文🧾", "👍🏽");
    }

    @Test
    void keepsEveryDigitAndTheScaleOfBigNumbers() throws IOException {
        BigInteger fortyDigits = new BigInteger("1234567890123456789012345678901234567890");
        BigDecimal fortyDigitsWithTrailingZero = new BigDecimal("12345678901234567890123456789012345678.50");
        ObjectNode after = object().put("id", 1)
                .put("bigint_max", Long.MAX_VALUE)
                .put("bigint_min", Long.MIN_VALUE)
                .put("numeric_int", fortyDigits)
                .put("numeric_wide", fortyDigitsWithTrailingZero)
                .put("price", new BigDecimal("10.50"))
                .put("zero_scale", new BigDecimal("0.000"))
                .put("negative", new BigDecimal("-0.0100"));
        ChangeEvent event = insert(after);

        byte[] bytes = ChangeEventCodec.encode(event);
        ChangeEvent decoded = ChangeEventCodec.decode(bytes);
        String text = new String(bytes, UTF_8);

        assertThat(decoded).isEqualTo(event);
        assertThat(text).contains("\"price\":10.50", "\"numeric_wide\":12345678901234567890123456789012345678.50",
                "\"numeric_int\":1234567890123456789012345678901234567890", "\"zero_scale\":0.000",
                "\"negative\":-0.0100", "\"bigint_max\":9223372036854775807", "\"bigint_min\":-9223372036854775808");
        assertThat(decoded.after().get("price").decimalValue()).isEqualTo(new BigDecimal("10.50"));
        assertThat(decoded.after().get("numeric_wide").decimalValue()).isEqualTo(fortyDigitsWithTrailingZero);
        assertThat(decoded.after().get("numeric_int").bigIntegerValue()).isEqualTo(fortyDigits);
        assertThat(decoded.after().get("bigint_max").longValue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void writesDecimalsWithNegativeScaleInPlainNotation() {
        ChangeEvent event = insert(object().put("id", 1).put("rounded", new BigDecimal("1.2E+3")));

        byte[] bytes = ChangeEventCodec.encode(event);
        ChangeEvent decoded = ChangeEventCodec.decode(bytes);

        assertThat(new String(bytes, UTF_8)).contains("\"rounded\":1200").doesNotContain("E+");
        assertThat(decoded.after().get("rounded").bigIntegerValue()).isEqualTo(BigInteger.valueOf(1200));
        assertThat(decoded).as("equal: both are written as 1200").isEqualTo(event);
    }

    @Test
    void treatsNumbersWrittenWithTheSameDigitsAsEqual() {
        ChangeEvent asLong = insert(object().put("id", 1).set("n", LongNode.valueOf(7)));
        ChangeEvent asDecimal = insert(object().put("id", 1).set("n", DecimalNode.valueOf(new BigDecimal("7"))));
        ChangeEvent withTrailingZero = insert(object().put("id", 1).set("n", DecimalNode.valueOf(new BigDecimal("7.0"))));

        assertThat(asLong).isEqualTo(asDecimal).hasSameHashCodeAs(asDecimal);
        assertThat(asLong).as("7 and 7.0 are written differently").isNotEqualTo(withTrailingZero);
        assertThat(insert(object().put("id", 1).put("n", new BigDecimal("10.50"))))
                .isNotEqualTo(insert(object().put("id", 1).put("n", new BigDecimal("10.5"))));
    }

    @Test
    void roundTripsNestedJsonInAJsonbColumn() throws IOException {
        JsonNode document = ChangeEventCodec.readTree("""
                {"tags": ["a", "b", {"deep": [1, 2.50, null, true]}],
                 "owner": {"name": "Zoë", "address": {"city": "東京", "zip": null}},
                 "empty": {}, "none": [], "big": 123456789012345678901234567890}
                """.getBytes(UTF_8));
        ChangeEvent event = insert(object().put("id", 1).set("doc", document));

        ChangeEvent decoded = ChangeEventCodec.decode(ChangeEventCodec.encode(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.after().get("doc")).isEqualTo(document);
        assertThat(decoded.after().get("doc").at("/tags/2/deep/1").decimalValue()).isEqualTo(new BigDecimal("2.50"));
        assertThat(fieldNames(decoded.after().get("doc"))).containsExactly("tags", "owner", "empty", "none", "big");
    }

    @Test
    void roundTripsTheColumnsLeftOutAsUnchangedToast() throws IOException {
        ChangeEvent event = new ChangeEvent(null, object().put("id", 9).put("name", "x"), Op.UPDATE, TS_MS,
                source("public", "users"), userKey(9), userColumns(), List.of("bio"));

        byte[] bytes = ChangeEventCodec.encode(event);
        ChangeEvent decoded = ChangeEventCodec.decode(bytes);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.unchangedToast()).containsExactly("bio");
        assertThat(decoded.after().has("bio")).as("an unchanged TOAST column is left out, not nulled").isFalse();
        assertThat(ChangeEventCodec.readTree(bytes).get("unchanged_toast")).hasSize(1);
        assertThat(ChangeEventCodec.readTree(ChangeEventCodec.encode(insert(user(1, "a")))).has("unchanged_toast"))
                .as("left out when empty").isFalse();
    }

    @Test
    void roundTripsATruncateWhoseKeyIsNull() throws IOException {
        ChangeEvent truncate = new ChangeEvent(null, null, Op.TRUNCATE, TS_MS, source("public", "users"), null,
                userColumns(), List.of());

        byte[] bytes = ChangeEventCodec.encode(truncate);

        assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(truncate);
        JsonNode json = ChangeEventCodec.readTree(bytes);
        assertThat(json.get("op").asText()).isEqualTo("t");
        assertThat(json.has("key") && json.get("key").isNull()).as("key is written as null").isTrue();
        assertThat(new String(ChangeEventCodec.encodeKey(truncate), UTF_8))
                .isEqualTo("{\"schema\":\"public\",\"table\":\"users\",\"key\":null}");
    }

    @Test
    void roundTripsSnapshotMarkersAsTableWideEventsWithoutRowOrKey() throws IOException {
        for (Op op : List.of(Op.SNAPSHOT_STARTED, Op.SNAPSHOT_COMPLETED)) {
            ChangeEvent marker = new ChangeEvent(null, null, op, TS_MS, source("public", "users"), null, userColumns(),
                    List.of());

            byte[] bytes = ChangeEventCodec.encode(marker);

            assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(marker);
            assertThat(ChangeEventCodec.readTree(bytes).get("op").asText()).isEqualTo(op.code());
            assertThat(op.tableWide()).as("%s goes to every partition", op).isTrue();
            assertThat(new String(ChangeEventCodec.encodeKey(marker), UTF_8))
                    .isEqualTo("{\"schema\":\"public\",\"table\":\"users\",\"key\":null}");
        }
        assertThat(Op.fromCode("snapshot_started")).isEqualTo(Op.SNAPSHOT_STARTED);
        assertThat(Op.fromCode("snapshot_completed")).isEqualTo(Op.SNAPSHOT_COMPLETED);
        assertThatThrownBy(() -> new ChangeEvent(null, object().put("id", 1), Op.SNAPSHOT_COMPLETED, TS_MS,
                source("public", "users"), null, userColumns(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carries no row");
        assertThat(List.of(Op.CREATE, Op.UPDATE, Op.DELETE, Op.READ)).noneMatch(Op::tableWide);
    }

    @Test
    void writesCompoundKeysInKeyOrderWhateverOrderTheKeyObjectWasFilledIn() {
        List<Column> columns = List.of(new Column("tenant", "text", true), new Column("note", "text", false),
                new Column("id", "int8", true));
        ObjectNode after = object().put("tenant", "acme").put("note", "n").put("id", 7);
        ChangeEvent filledInKeyOrder = new ChangeEvent(null, after, Op.CREATE, TS_MS, source("sales", "orders"),
                object().put("tenant", "acme").put("id", 7), columns, List.of());
        ChangeEvent filledReversed = new ChangeEvent(null, after, Op.CREATE, TS_MS, source("sales", "orders"),
                object().put("id", 7).put("tenant", "acme"), columns, List.of());
        ChangeEvent laterDelete = new ChangeEvent(after, null, Op.DELETE, TS_MS + 1, source("sales", "orders"),
                object().put("id", 7).put("tenant", "acme"), columns, List.of());

        byte[] key = ChangeEventCodec.encodeKey(filledInKeyOrder);

        assertThat(filledReversed).isEqualTo(filledInKeyOrder);
        assertThat(ChangeEventCodec.encodeKey(filledReversed)).isEqualTo(key);
        assertThat(ChangeEventCodec.encodeKey(laterDelete)).as("every change of a row has one key").isEqualTo(key);
        assertThat(new String(key, UTF_8))
                .isEqualTo("{\"schema\":\"sales\",\"table\":\"orders\",\"key\":{\"tenant\":\"acme\",\"id\":7}}");
    }

    @Test
    void writesKeyMembersThatNoColumnDescribesInNameOrder() {
        ChangeEvent oneOrder = new ChangeEvent(null, object().put("b", 1).put("a", 2), Op.CREATE, TS_MS,
                source("public", "t"), object().put("b", 1).put("a", 2), List.of(), List.of());
        ChangeEvent otherOrder = new ChangeEvent(null, object().put("a", 2).put("b", 1), Op.CREATE, TS_MS,
                source("public", "t"), object().put("a", 2).put("b", 1), List.of(), List.of());

        assertThat(new String(ChangeEventCodec.encodeKey(oneOrder), UTF_8))
                .isEqualTo("{\"schema\":\"public\",\"table\":\"t\",\"key\":{\"a\":2,\"b\":1}}");
        assertThat(ChangeEventCodec.encodeKey(otherOrder)).isEqualTo(ChangeEventCodec.encodeKey(oneOrder));
    }

    @Test
    void separatesRowsOfDifferentTablesWithTheSameKeyValue() {
        ChangeEvent users = insert(user(1, "a"));
        ChangeEvent admins = new ChangeEvent(null, user(1, "a"), Op.CREATE, TS_MS, source("public", "admins"),
                userKey(1), userColumns(), List.of());

        assertThat(ChangeEventCodec.encodeKey(users)).isNotEqualTo(ChangeEventCodec.encodeKey(admins));
    }

    @Test
    void writesTreesToAGeneratorAsTheMapperWritesThem() throws IOException {
        ByteArrayBuilder buffer = new ByteArrayBuilder();
        try (JsonGenerator generator = ChangeEventCodec.MAPPER.createGenerator(buffer)) {
            generator.setRootValueSeparator(null);
            for (ChangeEvent event : TestEvents.everyKindOfEvent()) {
                for (JsonNode tree : Arrays.asList(event.before(), event.after(), event.key())) {
                    if (tree != null) {
                        ChangeEventCodec.writeTree(generator, tree);
                        generator.flush();

                        assertThat(new String(buffer.toByteArray(), UTF_8))
                                .isEqualTo(ChangeEventCodec.MAPPER.writeValueAsString(tree));
                        buffer.reset();
                    }
                }
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
