package dev.pgcdc.e2e.verify;

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
 * The Elasticsearch document id of a row key, written independently of the sink from its documented
 * contract (es-sink {@code dev.pgcdc.sink.index.DocumentIds}): one key column is its plain text, several
 * are the compact JSON array of the values, and an id over 512 UTF-8 bytes is {@code sha256:} and the
 * hex SHA-256 of that text. Independent on purpose: a verifier that shared the sink's code would share
 * its bugs. Stateless and thread-safe.
 */
public final class DocumentId {

    static final int MAX_ID_BYTES = 512;

    private DocumentId() {
    }

    /** The id of a row whose key columns (in key order) have these converted values. */
    public static String of(ObjectNode key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a row key needs at least one column");
        }
        String id;
        if (key.size() == 1) {
            JsonNode value = key.elements().next();
            if (value.isTextual()) {
                id = value.textValue();
            } else if (value.isBigDecimal()) {
                id = value.decimalValue().toPlainString();
            } else if (value.isValueNode()) {
                id = value.asText();
            } else {
                id = json(value);
            }
        } else {
            ArrayNode values = ChangeEventCodec.MAPPER.createArrayNode();
            for (Iterator<JsonNode> it = key.elements(); it.hasNext(); ) {
                values.add(it.next());
            }
            id = json(values);
        }
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_ID_BYTES) {
            return id;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String json(JsonNode value) {
        try {
            return ChangeEventCodec.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
