package dev.pgcdc.sink.index;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.SinkConfig;
import java.util.Locale;

/**
 * Derives Elasticsearch field mappings from PostgreSQL type names (as the events carry them:
 * {@code int4}, {@code timestamptz}, {@code _text} for {@code text[]}, a user type's name).
 * Array types map like their element type (Elasticsearch fields hold arrays natively). Values that
 * do not parse (e.g. {@code infinity} timestamps, {@code NaN} numerics) are kept in
 * {@code _source} but not indexed ({@code ignore_malformed}), so they never send a row to the
 * dead-letter topic. Unknown types (enums, domains, ranges) become {@code keyword}. Immutable.
 */
public final class FieldMappings {

    /** Accepts ISO-8601 and PostgreSQL's text output ({@code 2024-01-31 12:00:00.123456+01}). */
    static final String DATE_FORMATS = "strict_date_optional_time_nanos"
            + "||yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSSSS][.SSSS][.SSS][.SS][.S][XXX][X]"
            + "||epoch_millis";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SinkConfig.NumericMapping numeric;
    private final int scalingFactor;
    private final SinkConfig.JsonMapping json;

    public FieldMappings(SinkConfig.NumericMapping numeric, int scalingFactor, SinkConfig.JsonMapping json) {
        this.numeric = numeric;
        this.scalingFactor = scalingFactor;
        this.json = json;
    }

    public static FieldMappings from(SinkConfig sink) {
        return new FieldMappings(sink.numericMapping(), sink.numericScalingFactor(), sink.jsonMapping());
    }

    /** The mapping of a column of this PostgreSQL type. */
    public ObjectNode forType(String pgType) {
        String type = pgType.toLowerCase(Locale.ROOT);
        if (type.startsWith("_")) {
            type = type.substring(1);
        }
        return switch (type) {
            case "int2", "int4", "smallint", "integer" -> typed("integer", true);
            case "int8", "bigint", "oid", "xid", "xid8" -> typed("long", true);
            case "float4", "real" -> typed("float", true);
            case "float8", "double precision", "money" -> typed("double", true);
            case "numeric", "decimal" -> numeric == SinkConfig.NumericMapping.SCALED_FLOAT
                    ? typed("scaled_float", true).put("scaling_factor", scalingFactor)
                    : typed("double", true);
            case "bool", "boolean" -> typed("boolean", false);
            case "timestamptz", "timestamp", "date" -> typed("date", true).put("format", DATE_FORMATS);
            case "text", "varchar", "bpchar", "char", "name", "citext", "xml" -> text();
            case "json", "jsonb" -> json == SinkConfig.JsonMapping.FLATTENED
                    ? typed("flattened", false)
                    : NODES.objectNode().put("type", "object");
            case "bytea" -> NODES.objectNode().put("type", "keyword").put("index", false).put("doc_values", false);
            default -> NODES.objectNode().put("type", "keyword").put("ignore_above", 1024);
        };
    }

    /** Mapping of the metadata object every mirror document carries. */
    public static ObjectNode metadata() {
        ObjectNode properties = NODES.objectNode();
        properties.set("op", NODES.objectNode().put("type", "keyword"));
        properties.set("lsn", NODES.objectNode().put("type", "long"));
        properties.set("commit_lsn", NODES.objectNode().put("type", "long"));
        properties.set("sequence", NODES.objectNode().put("type", "long"));
        properties.set("commit_time", NODES.objectNode().put("type", "date").put("format", "epoch_millis"));
        properties.set("tx_id", NODES.objectNode().put("type", "long"));
        properties.set("snapshot", NODES.objectNode().put("type", "keyword"));
        ObjectNode object = NODES.objectNode().put("type", "object");
        object.set("properties", properties);
        return object;
    }

    private static ObjectNode typed(String type, boolean ignoreMalformed) {
        ObjectNode node = NODES.objectNode().put("type", type);
        if (ignoreMalformed) {
            node.put("ignore_malformed", true);
        }
        return node;
    }

    private static ObjectNode text() {
        ObjectNode keyword = NODES.objectNode().put("type", "keyword").put("ignore_above", 256);
        ObjectNode fields = NODES.objectNode();
        fields.set("keyword", keyword);
        ObjectNode node = NODES.objectNode().put("type", "text");
        node.set("fields", fields);
        return node;
    }
}
