package dev.pgcdc.common.event;

import static dev.pgcdc.common.event.TestEvents.TS_MS;
import static dev.pgcdc.common.event.TestEvents.object;
import static dev.pgcdc.common.event.TestEvents.source;
import static dev.pgcdc.common.event.TestEvents.user;
import static dev.pgcdc.common.event.TestEvents.userColumns;
import static dev.pgcdc.common.event.TestEvents.userKey;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader against the data-binding reader that stays the authority: on the canonical
 * encoding it returns the same event (same node types, same bytes when encoded again); on anything
 * the data-binding reader rejects it gives up, so the codec's error messages do not change.
 */
class ChangeEventReaderTest {

    private static final String SOURCE = """
            {"version":"0.1.0","connector":"pgcdc","name":"pgcdc","db":"mydb","schema":"public","table":"users",
             "txId":7,"lsn":100,"commit_lsn":120,"sequence":0,"ts_ms":1,"snapshot":"false"}""";
    private static final String COLUMNS = "[{\"name\":\"id\",\"type\":\"int4\",\"key\":true}]";
    private static final String VALID = "{\"before\":null,\"after\":{\"id\":1},\"op\":\"c\",\"ts_ms\":5,\"source\":"
            + SOURCE + ",\"key\":{\"id\":1},\"columns\":" + COLUMNS + "}";

    @Test
    void readsEveryShapeOfTheCanonicalEncodingAsDataBindingDoes() throws IOException {
        ChangeEventReader reader = new ChangeEventReader();

        for (ChangeEvent event : shapes()) {
            byte[] bytes = ChangeEventCodec.encode(event);

            ChangeEvent fast = reader.read(bytes);

            assertThat(fast).as("the fast path reads %s", text(bytes)).isNotNull();
            assertSameAsDataBinding(bytes, fast);
            assertThat(fast).isEqualTo(event);
            assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(event);
        }
    }

    @Test
    void readsHandWrittenCanonicalJsonWithWhitespaceAndEveryNumberForm() throws IOException {
        ChangeEventReader reader = new ChangeEventReader();
        String numbers = "{\"id\":1,\"e\":1E+400,\"e2\":-2.5e-3,\"zero\":-0,\"z\":0.0,\"huge\":123456789012345678901234567890,"
                + "\"min\":-9223372036854775808,\"int_min\":-2147483648,\"int_over\":2147483648,\"f\":1.10,"
                + "\"s\":\"\\u00e9\\ud83d\\ude00\\n\",\"deep\":[[[{\"a\":[null,true,false,{}]}]]]}";
        List<String> inputs = List.of(VALID,
                VALID.replace("\"after\":{\"id\":1}", "\"after\":" + numbers),
                VALID.replace(",", " ,\n\t").replace(":", " : ").replace("{", " { ") + "  \n",
                VALID.replace("}]}", "}],\"unchanged_toast\":[]}"),
                VALID.replace("}]}", "}],\"unchanged_toast\":[\"a\",\"b\"]}"),
                VALID.replace("\"txId\":7", "\"txId\":null").replace("\"version\":\"0.1.0\"", "\"version\":null"),
                VALID.replace("\"ts_ms\":5", "\"ts_ms\":-5").replace("\"lsn\":100", "\"lsn\":-1"),
                VALID.replace(COLUMNS, "[]"),
                "\uFEFF" + VALID);

        for (String input : inputs) {
            byte[] bytes = input.getBytes(UTF_8);

            ChangeEvent fast = reader.read(bytes);

            assertThat(fast).as("the fast path reads %s", input).isNotNull();
            assertSameAsDataBinding(bytes, fast);
        }
    }

    @Test
    void givesUpOnValidEventsThatAreNotInTheCanonicalFormAndTheCodecStillReadsThem() throws IOException {
        ChangeEventReader reader = new ChangeEventReader();
        List<String> inputs = List.of(
                VALID.replace("\"before\":null,", "").replace("}]}", "}],\"before\":null}"),
                VALID.replace("\"op\":\"c\",", "\"op\":\"c\",\"extra\":1,"),
                VALID.replace("\"ts_ms\":5", "\"ts_ms\":\"5\""),
                VALID.replace("\"ts_ms\":5", "\"ts_ms\":5.0"),
                VALID.replace("\"lsn\":100", "\"lsn\":\"100\""),
                VALID.replace("\"txId\":7", "\"txId\":\"7\""),
                VALID.replace("\"version\":\"0.1.0\"", "\"version\":1"),
                VALID.replace("\"version\":\"0.1.0\",", ""),
                VALID.replace("\"db\":\"mydb\",", "\"db\":\"mydb\",\"host\":\"x\","),
                VALID.replace("\"key\":true", "\"key\":\"true\""),
                VALID.replace("{\"name\":\"id\",\"type\":\"int4\"", "{\"type\":\"int4\",\"name\":\"id\""),
                VALID.replace(",\"columns\":" + COLUMNS, ""),
                VALID.replace(COLUMNS, "null"));

        for (String input : inputs) {
            byte[] bytes = input.getBytes(UTF_8);

            assertThat(reader.read(bytes)).as("not canonical: %s", input).isNull();
            assertThat(ChangeEventCodec.decode(bytes)).isEqualTo(ChangeEventCodec.EVENT_READER.readValue(bytes));
        }
    }

    @Test
    void givesUpOnWhatDataBindingRejectsSoTheMessagesStayTheSame() {
        ChangeEventReader reader = new ChangeEventReader();
        List<String> inputs = List.of(
                VALID.replace("\"op\":\"c\"", "\"op\":\"c\",\"op\":\"d\""),
                VALID.replace("\"ts_ms\":5", "\"ts_ms\":5,\"ts_ms\":5"),
                VALID.replace("\"before\":null", "\"before\":null,\"before\":null"),
                VALID.replace("}]}", "}],\"unchanged_toast\":[\"a\"],\"unchanged_toast\":[\"b\"]}"),
                VALID.replace("\"db\":\"mydb\"", "\"db\":\"mydb\",\"db\":\"mydb\""),
                VALID.replace("\"key\":true}", "\"key\":true,\"key\":true}"),
                VALID.replace("\"after\":{\"id\":1}", "\"after\":{\"id\":1,\"id\":1}"),
                VALID.replace("\"after\":{\"id\":1}", "\"after\":{\"id\":1,\"j\":{\"a\":1,\"a\":2}}"),
                VALID.replace("\"after\":{\"id\":1}", "\"after\":{\"id\":1,\"j\":[1,{\"a\":{\"b\":1,\"b\":1}}]}"),
                VALID.replace("\"key\":{\"id\":1}", "\"key\":{\"id\":1,\"id\":2}"),
                VALID.replace("\"before\":null", "\"before\":{\"x\":1,\"x\":1}").replace("\"op\":\"c\"", "\"op\":\"u\""),
                VALID + " " + VALID,
                VALID + " x",
                VALID + "}",
                VALID.replace("\"ts_ms\":5", "\"ts_ms\":null"),
                VALID.replace("\"lsn\":100", "\"lsn\":null"),
                VALID.replace("\"key\":true", "\"key\":null"),
                VALID.replace(",\"key\":true", ""),
                VALID.replace("\"ts_ms\":5", "\"ts_ms\":99999999999999999999"),
                VALID.replace("\"op\":\"c\"", "\"op\":\"x\""),
                VALID.replace("\"op\":\"c\"", "\"op\":\"C\""),
                VALID.replace("\"op\":\"c\"", "\"op\":null"),
                VALID.replace("\"snapshot\":\"false\"", "\"snapshot\":\"maybe\""),
                VALID.replace("\"schema\":\"public\"", "\"schema\":null"),
                VALID.replace("\"after\":{\"id\":1}", "\"after\":null"),
                VALID.replace("\"after\":{\"id\":1}", "\"after\":[1]"),
                VALID.replace("\"key\":{\"id\":1}", "\"key\":null"),
                VALID.replace("\"op\":\"c\"", "\"op\":\"t\""),
                VALID.replace(COLUMNS, "[{\"name\":\"id\",\"type\":\"int4\",\"key\":true},{\"name\":\"x\"}]"),
                VALID.replace("}]}", "}],\"unchanged_toast\":[null]}"),
                VALID.replace(",\"source\":" + SOURCE, ""),
                "{}", "[1,2]", "\"c\"", "", "  \n", "hello");

        for (String input : inputs) {
            byte[] bytes = input.getBytes(UTF_8);

            assertThat(reader.read(bytes)).as("rejected by data binding: %s", input).isNull();
            assertThat(decodeFailure(bytes)).as(input).isNotNull().isEqualTo(dataBindingFailure(bytes));
        }
    }

    @Test
    void everyTruncationAndSmallCorruptionOfAnEventIsReadAsDataBindingReadsIt() throws IOException {
        ObjectNode after = user(7, "Zoë 👍").put("price", new BigDecimal("10.50"));
        after.putArray("tags").add("a").addObject().put("k", 1);
        ChangeEvent event = new ChangeEvent(user(7, "old"), after, Op.UPDATE, TS_MS, source("public", "users"), userKey(7),
                userColumns(), List.of("bio"));
        byte[] canonical = ChangeEventCodec.encode(event);
        ChangeEventReader reader = new ChangeEventReader();
        byte[] replacements = "\",:{}[]0 -.enx".getBytes(UTF_8);
        int fastReads = 0;

        for (int i = 0; i < canonical.length; i++) {
            List<byte[]> variants = new ArrayList<>();
            variants.add(Arrays.copyOf(canonical, i));
            variants.add(without(canonical, i));
            variants.add(with(canonical, i, canonical[i]));
            for (byte replacement : replacements) {
                byte[] replaced = canonical.clone();
                replaced[i] = replacement;
                variants.add(replaced);
            }
            for (byte[] variant : variants) {
                ChangeEvent fast = reader.read(variant);
                if (fast != null) {
                    fastReads++;
                    assertSameAsDataBinding(variant, fast);
                } else {
                    String failure = dataBindingFailure(variant);
                    assertThat(decodeFailure(variant)).as(text(variant)).isEqualTo(failure);
                    if (failure == null) {
                        assertSameAsDataBinding(variant, ChangeEventCodec.decode(variant));
                    }
                }
            }
        }
        assertThat(fastReads).as("some corruptions (a digit, a letter in a string) still read").isPositive();
    }

    @Test
    void equalColumnsOfATableAreOneListInstance() {
        ChangeEvent first = TestEvents.insert(user(1, "a"));
        ChangeEvent second = TestEvents.insert(user(2, "b"));
        ChangeEvent otherTable = new ChangeEvent(null, user(3, "c"), Op.CREATE, TS_MS, source("public", "admins"),
                userKey(3), userColumns(), List.of());
        assertThat(first.columns()).isNotSameAs(second.columns());

        List<Column> firstColumns = ChangeEventCodec.decode(ChangeEventCodec.encode(first)).columns();
        ChangeEventCodec.decode(ChangeEventCodec.encode(otherTable));
        List<Column> secondColumns = ChangeEventCodec.decode(ChangeEventCodec.encode(second)).columns();

        assertThat(secondColumns).isSameAs(firstColumns).isEqualTo(userColumns());
    }

    @Test
    void changedColumnsOfATableAreANewListThatIsThenReused() {
        ChangeEventReader reader = new ChangeEventReader();
        List<Column> altered = List.of(new Column("id", "int8", true), new Column("name", "text", false),
                new Column("bio", "varchar", false));
        List<Column> longer = new ArrayList<>(userColumns());
        longer.add(new Column("age", "int4", false));
        List<Column> shorter = userColumns().subList(0, 2);

        List<Column> before = reader.read(ChangeEventCodec.encode(withColumns(userColumns()))).columns();
        for (List<Column> columns : List.of(altered, longer, shorter, userColumns())) {
            List<Column> read = reader.read(ChangeEventCodec.encode(withColumns(columns))).columns();
            List<Column> again = reader.read(ChangeEventCodec.encode(withColumns(columns))).columns();

            assertThat(read).isEqualTo(columns).isNotSameAs(before);
            assertThat(again).isSameAs(read);
            before = read;
        }
    }

    @Test
    void theColumnCacheStartsOverPastItsBoundAndStaysCorrect() {
        ChangeEventReader reader = new ChangeEventReader();
        int tables = ChangeEventReader.MAX_CACHED_TABLES + 10;

        for (int round = 0; round < 2; round++) {
            for (int t = 0; t < tables; t++) {
                List<Column> columns = List.of(new Column("id", "int8", true), new Column("c" + t, "text", false));
                ChangeEvent event = new ChangeEvent(null, object().put("id", t), Op.CREATE, TS_MS,
                        source("s" + (t % 3), "t" + t), object().put("id", t), columns, List.of());

                assertThat(reader.read(ChangeEventCodec.encode(event))).isEqualTo(event);
            }
        }
    }

    @Test
    void stringsEqualToThePreviousEventsAreReusedOnlyWhenEqual() {
        ChangeEventReader reader = new ChangeEventReader();
        List<ChangeEvent> events = new ArrayList<>();
        for (String schema : List.of("public", "publid", "public", "pub")) {
            for (String db : List.of("mydb", "mydc")) {
                Source source = new Source("0.1.0", Source.CONNECTOR, "pgcdc", db, schema, "users", 1L, 1, 1, 0, TS_MS,
                        SnapshotMarker.FALSE);
                events.add(new ChangeEvent(null, user(1, "a"), Op.CREATE, TS_MS, source, userKey(1), userColumns(),
                        List.of()));
            }
        }

        for (ChangeEvent event : events) {
            assertThat(reader.read(ChangeEventCodec.encode(event))).isEqualTo(event);
        }
    }

    /** Every event the codec tests use, and more numbers, strings, ops and snapshot markers. */
    private static List<ChangeEvent> shapes() throws IOException {
        List<ChangeEvent> events = new ArrayList<>(TestEvents.everyKindOfEvent());
        events.add(TestEvents.insert(user(1, "ann")));
        events.add(TestEvents.delete(user(1, "ann")));
        events.add(new ChangeEvent(user(42, "old"), user(42, "new"), Op.UPDATE, TS_MS, source("public", "users"),
                userKey(42), userColumns(), List.of()));
        events.add(new ChangeEvent(null, object().put("id", 9).put("name", "x"), Op.UPDATE, TS_MS,
                source("public", "users"), userKey(9), userColumns(), List.of("bio")));
        for (Op op : Op.values()) {
            ObjectNode row = op.tableWide() ? null : user(3, op.code());
            ObjectNode before = op == Op.DELETE ? row : null;
            ObjectNode after = op == Op.DELETE ? null : row;
            for (SnapshotMarker marker : SnapshotMarker.values()) {
                Long txId = marker == SnapshotMarker.FALSE ? Long.valueOf(Long.MAX_VALUE) : null;
                Source source = new Source("0.1.0", Source.CONNECTOR, "pgcdc", "mydb", "public", "users", txId,
                        Long.MIN_VALUE, -1L, 0, 0, marker);
                events.add(new ChangeEvent(before, after, op, TS_MS, source, op.tableWide() ? null : userKey(3),
                        userColumns(), List.of()));
            }
        }
        events.add(new ChangeEvent(null, object().put("id", 1), Op.CREATE, 0, new Source(null, null, null, null, "", "",
                null, 0, 0, 0, 0, SnapshotMarker.FALSE), object().put("id", 1), List.of(), List.of()));
        String precomposed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        List<Column> unicodeColumns = List.of(new Column("键🔑", "int4", true), new Column(precomposed, "text", false),
                new Column(decomposed, "text", false), new Column("q\"uote\\", "text", false));
        ObjectNode unicode = object().put("键🔑", 1).put(precomposed, "👍🏽 家族👨‍👩‍👧 Ωmega")
                .put(decomposed, "Zalgo z\u0351\u0353\u0325").put("q\"uote\\", "\u0000\u001f\t\"\\/\u2028");
        events.add(new ChangeEvent(null, unicode, Op.CREATE, TS_MS, source("販売", "注文🧾"), object().put("键🔑", 1),
                unicodeColumns, List.of()));
        ObjectNode numbers = object().put("id", 1)
                .put("bigint_max", Long.MAX_VALUE)
                .put("bigint_min", Long.MIN_VALUE)
                .put("int_max", Integer.MAX_VALUE)
                .put("just_over_int", Integer.MAX_VALUE + 1L)
                .put("numeric_int", new BigInteger("1234567890123456789012345678901234567890"))
                .put("numeric_wide", new BigDecimal("12345678901234567890123456789012345678.50"))
                .put("price", new BigDecimal("10.50"))
                .put("zero_scale", new BigDecimal("0.000"))
                .put("negative", new BigDecimal("-0.0100"))
                .put("rounded", new BigDecimal("1.2E+3"))
                .put("huge", new BigDecimal("1E+400"))
                .put("tiny", new BigDecimal("1E-400"))
                .put("double", 0.1)
                .put("float", 1.1f);
        events.add(TestEvents.insert(numbers));
        JsonNode document = ChangeEventCodec.readTree("""
                {"tags": ["a", "b", {"deep": [1, 2.50, null, true]}],
                 "owner": {"name": "Zoë", "address": {"city": "東京", "zip": null}},
                 "empty": {}, "none": [], "big": 123456789012345678901234567890, "_value": 1E+400}
                """.getBytes(UTF_8));
        events.add(TestEvents.insert(object().put("id", 1).set("doc", document)));
        events.add(TestEvents.insert(object().put("id", 1).set("doc", DecimalNode.valueOf(new BigDecimal("7")))));
        return events;
    }

    private static ChangeEvent withColumns(List<Column> columns) {
        return new ChangeEvent(null, user(1, "a"), Op.CREATE, TS_MS, source("public", "users"), userKey(1), columns,
                List.of());
    }

    /** Data binding reads the bytes to an event equal to {@code fast}, with the same node types, and the same bytes. */
    private static void assertSameAsDataBinding(byte[] bytes, ChangeEvent fast) throws IOException {
        ChangeEvent reference = ChangeEventCodec.EVENT_READER.readValue(bytes);
        assertThat(fast).as(text(bytes)).isEqualTo(reference);
        assertSameTree(fast.before(), reference.before(), "before");
        assertSameTree(fast.after(), reference.after(), "after");
        assertSameTree(fast.key(), reference.key(), "key");
        assertThat(fast.source()).isEqualTo(reference.source());
        assertThat(fast.columns()).isEqualTo(reference.columns());
        assertThat(fast.unchangedToast()).isEqualTo(reference.unchangedToast());
        assertThat(text(ChangeEventCodec.encode(fast))).isEqualTo(text(ChangeEventCodec.encode(reference)));
        assertThat(ChangeEventCodec.encodeKey(fast)).isEqualTo(ChangeEventCodec.encodeKey(reference));
    }

    /** Same node classes, member order and values (a decimal's scale included) all the way down. */
    private static void assertSameTree(JsonNode actual, JsonNode expected, String path) {
        if (expected == null || actual == null) {
            assertThat(actual).as(path).isEqualTo(expected);
            return;
        }
        assertThat(actual.getClass()).as(path).isEqualTo(expected.getClass());
        if (expected.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> a = actual.fields();
            Iterator<Map.Entry<String, JsonNode>> e = expected.fields();
            while (e.hasNext()) {
                assertThat(a.hasNext()).as(path + " has as many members").isTrue();
                Map.Entry<String, JsonNode> am = a.next();
                Map.Entry<String, JsonNode> em = e.next();
                assertThat(am.getKey()).as(path + " member order").isEqualTo(em.getKey());
                assertSameTree(am.getValue(), em.getValue(), path + "/" + em.getKey());
            }
            assertThat(a.hasNext()).as(path + " has no more members").isFalse();
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(path + " size").isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameTree(actual.get(i), expected.get(i), path + "/" + i);
            }
        } else if (expected.isBigDecimal()) {
            assertThat(actual.decimalValue()).as(path + " with its scale").isEqualTo(expected.decimalValue());
            assertThat(actual.decimalValue().scale()).as(path + " scale").isEqualTo(expected.decimalValue().scale());
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    /** How the codec fails on the bytes: its message, or the exception that escaped; null when it reads them. */
    private static String decodeFailure(byte[] value) {
        try {
            ChangeEventCodec.decode(value);
            return null;
        } catch (MalformedEventException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "escaped: " + e;
        }
    }

    /** How the codec failed before the fast path: data binding's failure explained; null when it reads them. */
    private static String dataBindingFailure(byte[] value) {
        Exception failure;
        try {
            ChangeEventCodec.EVENT_READER.readValue(value);
            return null;
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        try {
            return "not a change event: " + DecodeProblem.explain(value, failure);
        } catch (RuntimeException e) {
            return "escaped: " + e;  // explain's own failure escaped decode (a number Jackson cannot hold, e.g. 1e99999999999)
        }
    }

    private static byte[] without(byte[] bytes, int index) {
        byte[] result = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, result, 0, index);
        System.arraycopy(bytes, index + 1, result, index, bytes.length - index - 1);
        return result;
    }

    private static byte[] with(byte[] bytes, int index, byte inserted) {
        byte[] result = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, result, 0, index);
        result[index] = inserted;
        System.arraycopy(bytes, index, result, index + 1, bytes.length - index);
        return result;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }
}
