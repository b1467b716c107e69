package dev.pgcdc.sink.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.sink.TestEvents;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonColumnsTest {

    private static JsonNode json(String text) {
        try {
            return ChangeEventCodec.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String wrapped(String value) {
        return JsonColumns.wrap(json(value)).toString();
    }

    @Test
    void valuesAStructuredFieldAcceptsAreKeptAsTheyAre() {
        for (String value : List.of("{\"a\":1}", "{}", "null", "[]", "[{\"a\":1},{\"b\":[1,\"x\"]}]", "[null,{\"a\":1}]",
                "[[{\"a\":1}],[]]", "[[null]]", "{\"_value\":1,\"other\":2}", "{\"a\":{\"_value\":1}}")) {
            assertThat(wrapped(value)).as(value).isEqualTo(json(value).toString());
        }
    }

    @Test
    void scalarsAndArraysHoldingAScalarAtAnyDepthAreWrapped() {
        assertThat(wrapped("\"text\"")).isEqualTo("{\"_value\":\"text\"}");
        assertThat(wrapped("42")).isEqualTo("{\"_value\":42}");
        assertThat(wrapped("1.50")).isEqualTo("{\"_value\":1.50}");
        assertThat(wrapped("false")).isEqualTo("{\"_value\":false}");
        assertThat(wrapped("[1,2]")).isEqualTo("{\"_value\":[1,2]}");
        assertThat(wrapped("[{\"a\":1},\"x\"]")).isEqualTo("{\"_value\":[{\"a\":1},\"x\"]}");
        assertThat(wrapped("[[{\"a\":1}],[true]]")).isEqualTo("{\"_value\":[[{\"a\":1}],[true]]}");
        assertThat(wrapped("[null,\"\"]")).isEqualTo("{\"_value\":[null,\"\"]}");
    }

    @Test
    void anObjectThatLooksLikeAWrappingIsWrappedSoTheRuleReverses() {
        assertThat(wrapped("{\"_value\":\"text\"}")).isEqualTo("{\"_value\":{\"_value\":\"text\"}}");
        for (String value : List.of("\"text\"", "{\"_value\":\"text\"}", "{\"_value\":{\"_value\":3}}", "[1]",
                "{\"a\":1}", "null", "[{\"_value\":1}]")) {
            JsonNode original = json(value);
            assertThat(JsonColumns.unwrap(JsonColumns.wrap(original))).as(value).isEqualTo(original);
        }
        assertThat(JsonColumns.wrap(json("\"text\""))).isNotEqualTo(JsonColumns.wrap(json("{\"_value\":\"text\"}")));
    }

    @Test
    void onlyJsonColumnsAndTheirArraysAreWrapped() {
        assertThat(List.of("json", "jsonb", "_json", "_jsonb", "JSONB")).allMatch(JsonColumns::isJson);
        assertThat(List.of("text", "_text", "int4", "jsonpath", "my_jsonb_domain")).noneMatch(JsonColumns::isJson);

        ObjectNode row = (ObjectNode) json("{\"id\":1,\"j\":\"s\",\"t\":\"s\",\"ja\":[\"s\",{}],\"o\":{\"a\":1}}");
        JsonColumns.wrapInPlace(row, List.of(new Column("id", "int4", true), new Column("j", "jsonb", false),
                new Column("t", "text", false), new Column("ja", "_jsonb", false), new Column("o", "json", false),
                new Column("absent", "jsonb", false)));
        assertThat(row).isEqualTo(json("{\"id\":1,\"j\":{\"_value\":\"s\"},\"t\":\"s\",\"ja\":{\"_value\":[\"s\",{}]},"
                + "\"o\":{\"a\":1}}"));
    }

    @Test
    void theMirrorDocumentCarriesTheWrappingAndTheEventIsLeftAlone() throws IOException {
        IndexNames names = new IndexNames(new ElasticsearchConfig(List.of("http://localhost:9200"), null, null, null,
                "cdc_", null, null), SinkConfig.defaults());
        ObjectNode after = TestEvents.row("id", 1, "j", "text");
        ChangeEvent event = new ChangeEvent(null, after, Op.CREATE, 1L, TestEvents.source("t", 100, 0),
                TestEvents.row("id", 1), List.of(new Column("id", "int4", true), new Column("j", "jsonb", false)), List.of());

        Plan plan = new EventMapper(names, "_cdc", true).plan(event);

        JsonNode doc = ChangeEventCodec.readTree(((Write.VersionedIndex) plan.writes().get(0)).source());
        assertThat(doc.get("j")).isEqualTo(json("{\"_value\":\"text\"}"));
        JsonNode changeLog = ChangeEventCodec.readTree(((Write.PlainIndex) plan.writes().get(1)).source());
        assertThat(changeLog.at("/after/j").asText()).as("the change log keeps the event's value").isEqualTo("text");
        assertThat(event.after().get("j").asText()).isEqualTo("text");
    }
}
