package dev.pgcdc.sink.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * Elasticsearch document ids for row keys. The encoding is part of the sink's contract with its
 * users (they {@code GET index/_doc/<id>}), so it never changes:
 * <ul>
 *   <li>one key column: the value's plain text ({@code 42}, {@code alice}, {@code 10.50},
 *       {@code true}); a JSON object or array value is its compact JSON text;</li>
 *   <li>several key columns: the compact JSON array of the values in key order, e.g.
 *       {@code [42,"alice"]} (numbers keep their scale, strings are JSON-escaped, so the
 *       encoding is deterministic and unambiguous);</li>
 *   <li>an id over Elasticsearch's 512-byte limit (UTF-8): {@code sha256:} followed by the 64
 *       lower-case hex digits of the SHA-256 of the id above.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class DocumentIds {

    /** Elasticsearch rejects longer {@code _id}s. */
    public static final int MAX_ID_BYTES = 512;
    static final String HASH_PREFIX = "sha256:";

    private DocumentIds() {
    }

    /** The document id of a row with these key columns (in key order). */
    public static String of(ObjectNode key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a row key needs at least one column");
        }
        String id;
        if (key.size() == 1) {
            id = text(key.elements().next());
        } else {
            ArrayNode values = ChangeEventCodec.MAPPER.createArrayNode();
            for (Iterator<JsonNode> it = key.elements(); it.hasNext(); ) {
                values.add(it.next());
            }
            id = json(values);
        }
        return fit(id);
    }

    /** The id itself when it is short enough, else its hashed form (see the class comment). */
    public static String fit(String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_ID_BYTES) {
            return id;
        }
        try {
            return HASH_PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        return json(value);
    }

    private static String json(JsonNode value) {
        try {
            return ChangeEventCodec.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
