package dev.pgcdc.replicator.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.replicator.value.ValueConverter;
import java.util.function.Function;

/**
 * {@link ColumnTypes} backed by the {@link ValueConverter}: the type name is pg_type.typname, or
 * {@code oid:<n>} for a type no catalog knows (its values are then kept as text).
 */
public final class ConvertedColumnTypes implements ColumnTypes {

    private final ValueConverter converter;

    public ConvertedColumnTypes(ValueConverter converter) {
        this.converter = converter;
    }

    @Override
    public ColumnType of(int typeOid, int typeModifier) {
        String name = converter.typeName(typeOid).orElse("oid:" + Integer.toUnsignedString(typeOid));
        Function<String, JsonNode> conversion = converter.forType(typeOid);
        return new ColumnType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public JsonNode toJson(String text) {
                return conversion.apply(text);
            }
        };
    }
}
