package dev.pgcdc.sink.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.util.Iterator;
import java.util.Map;

/**
 * Bodies of the composable index templates the sink installs at start-up. Only the
 * highest-priority template matching an index applies, so each body is complete:
 * <ul>
 *   <li>{@code pgcdc-mirror-<prefix>} (priority 200, {@code <prefix>*}): the metadata object;
 *       columns are mapped explicitly from their PostgreSQL types when first seen;</li>
 *   <li>{@code pgcdc-changes-<prefix>} (210): the change-log documents;</li>
 *   <li>{@code pgcdc-tombstones-<prefix>} (220): the tombstone index;</li>
 *   <li>{@code pgcdc-table-<index>} (300): a user-supplied template for one table, merged over the
 *       mirror template (so the metadata mapping stays unless the user overrides it).</li>
 * </ul>
 * Pure; thread-safe.
 */
public final class Templates {

    private final IndexNames names;
    private final String metadataField;

    public Templates(IndexNames names, String metadataField) {
        this.names = names;
        this.metadataField = metadataField;
    }

    public String mirrorName() {
        return "pgcdc-mirror-" + names.prefix();
    }

    public String changeLogName() {
        return "pgcdc-changes-" + names.prefix();
    }

    public String tombstoneName() {
        return "pgcdc-tombstones-" + names.prefix();
    }

    public static String tableName(String mirrorIndex) {
        return "pgcdc-table-" + mirrorIndex;
    }

    public ObjectNode mirror() {
        ObjectNode properties = object();
        properties.set(metadataField, FieldMappings.metadata());
        return template(names.prefix() + "*", 200, mappings(properties, null));
    }

    public ObjectNode changeLog() {
        ObjectNode properties = object();
        for (String keyword : new String[] {"op", "schema", "table", "doc_id", "snapshot", "unchanged_toast"}) {
            properties.set(keyword, object().put("type", "keyword"));
        }
        for (String number : new String[] {"lsn", "commit_lsn", "sequence", "tx_id"}) {
            properties.set(number, object().put("type", "long"));
        }
        properties.set("commit_time", object().put("type", "date").put("format", "epoch_millis"));
        properties.set("event_time", object().put("type", "date").put("format", "epoch_millis"));
        // The row images are kept for reading, not indexed: their columns would multiply mappings.
        properties.set("before", object().put("type", "object").put("enabled", false));
        properties.set("after", object().put("type", "object").put("enabled", false));
        return template(names.changeLogWildcard(), 210, mappings(properties, null));
    }

    public ObjectNode tombstones() {
        ObjectNode properties = object();
        properties.set("kind", object().put("type", "keyword"));
        properties.set("index", object().put("type", "keyword"));
        properties.set("doc_id", object().put("type", "keyword"));
        properties.set("commit_lsn", object().put("type", "long"));
        properties.set("sequence", object().put("type", "long"));
        properties.set("commit_time", object().put("type", "date").put("format", "epoch_millis"));
        return template(names.tombstones(), 220, mappings(properties, "false"));
    }

    /**
     * The user's template for one mirror index: the mirror template with the user's body deep-merged
     * over it. The body is either {@code {"settings":…,"mappings":…}} or {@code {"template":{…}}}.
     */
    public ObjectNode userTable(String mirrorIndex, JsonNode userBody) {
        JsonNode inner = userBody.has("template") ? userBody.get("template") : userBody;
        ObjectNode merged = mirror();
        merged.set("index_patterns", ChangeEventCodec.MAPPER.createArrayNode().add(mirrorIndex));
        merged.put("priority", 300);
        merge((ObjectNode) merged.get("template"), inner);
        return merged;
    }

    static void merge(ObjectNode target, JsonNode update) {
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merge(existingObject, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    private static ObjectNode template(String pattern, int priority, ObjectNode mappings) {
        ObjectNode body = object();
        ArrayNode patterns = body.putArray("index_patterns");
        patterns.add(pattern);
        body.put("priority", priority);
        ObjectNode template = body.putObject("template");
        template.set("mappings", mappings);
        ObjectNode meta = body.putObject("_meta");
        meta.put("managed_by", "pgcdc es-sink");
        return body;
    }

    private static ObjectNode mappings(ObjectNode properties, String dynamic) {
        ObjectNode mappings = object();
        if (dynamic != null) {
            mappings.put("dynamic", dynamic);
        }
        mappings.set("properties", properties);
        return mappings;
    }

    private static ObjectNode object() {
        return ChangeEventCodec.MAPPER.createObjectNode();
    }
}
