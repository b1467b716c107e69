package dev.pgcdc.replicator.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.value.BuiltinTypeCatalog;
import dev.pgcdc.replicator.value.ValueConverter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSizeGuardTest {

    private static final ColumnTypes TYPES = new ConvertedColumnTypes(new ValueConverter(BuiltinTypeCatalog.INSTANCE));

    /** Type OID → a text form, chosen to be as compact as that type's text gets relative to its JSON. */
    private static final Map<Integer, String> SAMPLES = Map.of(
            25, "plain text with \"quotes\" and é",
            17, "\\x00ff10a0b1c2d3e4f5",
            3802, "{\"a\": [1, 2, 3], \"b\": {\"c\": null}}",
            1009, "{a,b,\"c d\",NULL}",
            1007, "{1,2,3,4,5,6,7,8,9}",
            1043, "varchar value",
            23, "123456");

    @Test
    void theBoundNeverExceedsTheEncodedJsonOfTheValue() throws Exception {
        SAMPLES.forEach((oid, text) -> {
            ColumnType type = TYPES.of(oid, -1);
            int json;
            try {
                json = ChangeEventCodec.MAPPER.writeValueAsString(type.toJson(text)).getBytes(StandardCharsets.UTF_8).length;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(EventSizeGuard.minimumJsonBytes(type.name(), text))
                    .as("lower bound for %s '%s' (JSON %d bytes)", type.name(), text, json).isLessThanOrEqualTo(json);
        });
    }

    @Test
    void largeValuesOfTheBigTypesCount() {
        String big = "x".repeat(10_000);
        assertThat(EventSizeGuard.minimumJsonBytes("text", big)).isEqualTo(10_000);
        assertThat(EventSizeGuard.minimumJsonBytes("bytea", "\\x" + "ab".repeat(3_000))).isEqualTo(4_000);
        assertThat(EventSizeGuard.minimumJsonBytes("jsonb", big)).isEqualTo(5_000);
        assertThat(EventSizeGuard.minimumJsonBytes("_text", big)).isEqualTo(5_000);
        assertThat(EventSizeGuard.minimumJsonBytes("int8", big)).as("types without a known bound count nothing").isZero();
    }
}
