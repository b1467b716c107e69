package dev.pgcdc.e2e.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventCodec.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static VerifyReport finish(Comparison comparison, Map<String, JsonNode> rows) {
        return comparison.finish("public.t", "cdc_public_t",
                doc -> Optional.ofNullable(rows.get(doc.get("id").asText())), Duration.ZERO);
    }

    @Test
    void equalSidesReportNoDifferenceAndEqualHashesWhateverTheOrder() {
        Comparison comparison = new Comparison("_cdc", 10);
        comparison.row("1", json("{\"id\":1,\"name\":\"a\",\"balance\":10.50}"));
        comparison.row("2", json("{\"id\":2,\"name\":\"b\",\"balance\":null}"));
        comparison.document("2", json("{\"name\":\"b\",\"balance\":null,\"id\":2,\"_cdc\":{\"lsn\":5}}"));
        comparison.document("1", json("{\"id\":1,\"balance\":10.5,\"name\":\"a\",\"_cdc\":{\"lsn\":9}}"));

        VerifyReport report = finish(comparison, Map.of());

        assertThat(report.isClean()).as(report.summary()).isTrue();
        assertThat(report.matched()).isEqualTo(2);
        assertThat(report.rowsHash()).as("order-independent hashes of equal data").isEqualTo(report.documentsHash());
    }

    @Test
    void missingExtraAndDifferentDocumentsAreCountedAndListed() {
        Comparison comparison = new Comparison("_cdc", 10);
        ObjectNode row1 = json("{\"id\":1,\"name\":\"a\",\"tags\":[\"x\",null]}");
        comparison.row("1", row1);
        comparison.row("2", json("{\"id\":2,\"name\":\"b\"}"));
        comparison.document("1", json("{\"id\":1,\"name\":\"stale\",\"tags\":[\"x\"],\"_cdc\":{}}"));
        comparison.document("3", json("{\"id\":3,\"name\":\"ghost\",\"_cdc\":{}}"));

        VerifyReport report = finish(comparison, Map.of("1", row1));

        assertThat(report.missing()).as("row 2 has no document").isEqualTo(1);
        assertThat(report.extra()).as("document 3 has no row").isEqualTo(1);
        assertThat(report.different()).as("document 1 is stale").isEqualTo(1);
        assertThat(report.differences()).extracting(Difference::kind, Difference::id).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Difference.Kind.MISSING, "2"),
                org.assertj.core.groups.Tuple.tuple(Difference.Kind.EXTRA, "3"),
                org.assertj.core.groups.Tuple.tuple(Difference.Kind.DIFFERENT, "1"));
        Difference different = report.differences().stream().filter(d -> d.kind() == Difference.Kind.DIFFERENT)
                .findFirst().orElseThrow();
        assertThat(different.detail()).contains("name: postgres=\"a\" elasticsearch=\"stale\"")
                .contains("tags: postgres=[\"x\",null] elasticsearch=[\"x\"]").doesNotContain("id:");
        assertThat(report.rowsHash()).isNotEqualTo(report.documentsHash());
    }

    @Test
    void aFieldAbsentFromTheDocumentDiffersFromANullColumn() {
        Comparison comparison = new Comparison("_cdc", 10);
        ObjectNode row = json("{\"id\":1,\"big\":null}");
        comparison.row("1", row);
        comparison.document("1", json("{\"id\":1}"));

        VerifyReport report = finish(comparison, Map.of("1", row));

        assertThat(report.different()).isEqualTo(1);
        assertThat(report.differences().get(0).detail()).isEqualTo("big: postgres=null elasticsearch=(absent)");
    }

    @Test
    void onlyTheFirstDifferencesAreListedButAllAreCounted() {
        Comparison comparison = new Comparison("_cdc", 3);
        for (int i = 0; i < 100; i++) {
            comparison.row(Integer.toString(i), json("{\"id\":" + i + "}"));
        }

        VerifyReport report = finish(comparison, Map.of());

        assertThat(report.missing()).isEqualTo(100);
        assertThat(report.differences()).hasSize(3);
        assertThat(report.summary()).contains("... 97 more");
    }

    @Test
    void numbersCompareByValueButNeverEqualStrings() {
        assertThat(Canonical.text(json("{\"a\":10.50,\"b\":1,\"c\":1E+2}")))
                .isEqualTo(Canonical.text(json("{\"c\":100,\"b\":1.0,\"a\":10.5}")));
        assertThat(Canonical.text(json("{\"a\":1}"))).isNotEqualTo(Canonical.text(json("{\"a\":\"1\"}")));
        assertThat(Canonical.text(json("{\"a\":[1,2]}"))).isNotEqualTo(Canonical.text(json("{\"a\":[2,1]}")));
        assertThat(Canonical.text(json("{\"a\":\"x\\ny\\u0001\"}"))).isEqualTo("{\"a\":\"x\\ny\\u0001\"}");
    }

    @Test
    void aFloat4ValueEqualsTheDecimalItIsWrittenAs() {
        ObjectNode row = ChangeEventCodec.MAPPER.createObjectNode().put("r", 3.4e38f);
        assertThat(Canonical.text(row)).isEqualTo(Canonical.text(json("{\"r\":3.4E38}")));
    }

    @Test
    void twoRowsWithOneDocumentIdAreRejected() {
        Comparison comparison = new Comparison("_cdc", 3);
        comparison.row("1", json("{\"id\":1}"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> comparison.row("1", json("{\"id\":1}")))
                .hasMessageContaining("two rows have the document id 1");
    }

    @Test
    void jsonValuesAreExpectedWrappedExactlyWhereTheReadmeSaysSo() {
        Comparison comparison = new Comparison("_cdc", 20, Set.of("j"));
        String[][] cases = {
            // jsonb value, document field as stored
            {"\"text\"", "{\"_value\":\"text\"}"},
            {"42", "{\"_value\":42}"},
            {"true", "{\"_value\":true}"},
            {"[1,\"x\"]", "{\"_value\":[1,\"x\"]}"},
            {"[[{\"a\":1}],[2]]", "{\"_value\":[[{\"a\":1}],[2]]}"},
            {"{\"_value\":1}", "{\"_value\":{\"_value\":1}}"},
            {"{\"a\":1}", "{\"a\":1}"},
            {"{\"_value\":1,\"b\":2}", "{\"_value\":1,\"b\":2}"},
            {"[{\"a\":\"x\"},null,[]]", "[{\"a\":\"x\"},null,[]]"},
            {"[[{\"_value\":1}]]", "[[{\"_value\":1}]]"},
            {"null", "null"},
        };
        for (int i = 0; i < cases.length; i++) {
            comparison.row(Integer.toString(i), json("{\"id\":" + i + ",\"t\":\"s\",\"j\":" + cases[i][0] + "}"));
        }
        for (int i = 0; i < cases.length; i++) {
            comparison.document(Integer.toString(i), json("{\"id\":" + i + ",\"t\":\"s\",\"j\":" + cases[i][1] + "}"));
        }

        VerifyReport report = finish(comparison, Map.of());

        assertThat(report.isClean()).as(report.summary()).isTrue();
        assertThat(report.matched()).isEqualTo(cases.length);
    }

    @Test
    void aJsonValueStoredWithoutItsWrappingOrWrappedNeedlesslyIsADifference() {
        Comparison comparison = new Comparison("_cdc", 10, Set.of("j"));
        ObjectNode scalar = json("{\"id\":1,\"j\":\"text\",\"t\":\"s\"}");
        ObjectNode object = json("{\"id\":2,\"j\":{\"a\":1},\"t\":\"s\"}");
        ObjectNode lookAlike = json("{\"id\":3,\"j\":{\"_value\":\"text\"},\"t\":\"s\"}");
        ObjectNode wrongValue = json("{\"id\":4,\"j\":7,\"t\":\"s\"}");
        ObjectNode notJson = json("{\"id\":5,\"j\":null,\"t\":\"s\"}");
        comparison.row("1", scalar);
        comparison.row("2", object);
        comparison.row("3", lookAlike);
        comparison.row("4", wrongValue);
        comparison.row("5", notJson);
        comparison.document("1", json("{\"id\":1,\"j\":\"text\",\"t\":\"s\"}"));
        comparison.document("2", json("{\"id\":2,\"j\":{\"_value\":{\"a\":1}},\"t\":\"s\"}"));
        comparison.document("3", json("{\"id\":3,\"j\":{\"_value\":\"text\"},\"t\":\"s\"}"));
        comparison.document("4", json("{\"id\":4,\"j\":{\"_value\":8},\"t\":\"s\"}"));
        comparison.document("5", json("{\"id\":5,\"j\":null,\"t\":{\"_value\":\"s\"}}"));

        VerifyReport report = finish(comparison, Map.of("1", scalar, "2", object, "3", lookAlike, "4", wrongValue,
                "5", notJson));

        assertThat(report.different()).as(report.summary()).isEqualTo(5);
        assertThat(report.differences()).extracting(Difference::detail).containsExactlyInAnyOrder(
                "j: postgres={\"_value\":\"text\"} elasticsearch=\"text\"",
                "j: postgres={\"a\":1} elasticsearch={\"_value\":{\"a\":1}}",
                "j: postgres={\"_value\":{\"_value\":\"text\"}} elasticsearch={\"_value\":\"text\"}",
                "j: postgres={\"_value\":7} elasticsearch={\"_value\":8}",
                "t: postgres=\"s\" elasticsearch={\"_value\":\"s\"}");
    }
}
