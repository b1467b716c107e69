package dev.pgcdc.sink.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.SinkConfig;
import org.junit.jupiter.api.Test;

class FieldMappingsTest {

    private final FieldMappings defaults = new FieldMappings(SinkConfig.NumericMapping.DOUBLE, 100,
            SinkConfig.JsonMapping.FLATTENED);

    @Test
    void mapsPostgresTypesToKibanaFriendlyFields() {
        assertThat(defaults.forType("int4").get("type").asText()).isEqualTo("integer");
        assertThat(defaults.forType("int8").get("type").asText()).isEqualTo("long");
        assertThat(defaults.forType("numeric").get("type").asText()).isEqualTo("double");
        assertThat(defaults.forType("bool").get("type").asText()).isEqualTo("boolean");
        assertThat(defaults.forType("timestamptz").get("type").asText()).isEqualTo("date");
        assertThat(defaults.forType("date").get("type").asText()).isEqualTo("date");
        assertThat(defaults.forType("uuid").get("type").asText()).isEqualTo("keyword");
        assertThat(defaults.forType("mood").get("type").asText()).as("a user enum").isEqualTo("keyword");
        assertThat(defaults.forType("jsonb").get("type").asText()).isEqualTo("flattened");
        assertThat(defaults.forType("text").get("type").asText()).isEqualTo("text");
        assertThat(defaults.forType("varchar").at("/fields/keyword/type").asText()).isEqualTo("keyword");
    }

    @Test
    void arraysMapLikeTheirElements() {
        assertThat(defaults.forType("_int4").get("type").asText()).isEqualTo("integer");
        assertThat(defaults.forType("_text").get("type").asText()).isEqualTo("text");
    }

    @Test
    void numericAndJsonFollowTheConfiguration() {
        FieldMappings other = new FieldMappings(SinkConfig.NumericMapping.SCALED_FLOAT, 1000, SinkConfig.JsonMapping.OBJECT);
        assertThat(other.forType("numeric").get("type").asText()).isEqualTo("scaled_float");
        assertThat(other.forType("numeric").get("scaling_factor").asInt()).isEqualTo(1000);
        assertThat(other.forType("jsonb").get("type").asText()).isEqualTo("object");
    }

    @Test
    void valuesThatDoNotParseAreKeptNotRejected() {
        assertThat(defaults.forType("timestamptz").get("ignore_malformed").asBoolean()).isTrue();
        assertThat(defaults.forType("int4").get("ignore_malformed").asBoolean()).isTrue();
    }
}
