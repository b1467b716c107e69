package dev.pgcdc.e2e.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The diff logic of the verifier, free of I/O: feed every row ({@link #row}), then every document
 * ({@link #document}), then {@link #finish}. Memory is one id and one 64-bit hash per row not yet
 * matched (about 100 bytes a row), so a million rows fit in a small heap. Rows and documents may come in
 * any order. Not thread-safe: one thread feeds it.
 *
 * <p>A row is compared with the document the README says the sink stores for it: the row itself, except
 * that a {@code json}/{@code jsonb} value that is a string, number or boolean, or an array holding one at
 * any depth, or an object whose only field is {@code _value}, is expected as {@code {"_value": value}}.
 * The rule is written here from the README, not taken from the sink, so that a sink that wraps too much,
 * too little or differently is reported.
 */
public final class Comparison {

    /** The wrapper field of a json value that a flattened or object field would reject (README, mapping). */
    static final String JSON_WRAPPER = "_value";

    private final String metadataField;
    private final int maxDifferences;
    private final Set<String> jsonColumns;
    private final Map<String, Long> unmatchedRows = new HashMap<>();
    private final List<Difference> listed = new ArrayList<>();
    /** Documents whose hash differs from their row's, kept (up to the limit) to explain the difference. */
    private final Map<String, ObjectNode> differingDocuments = new LinkedHashMap<>();
    private long rows;
    private long documents;
    private long matched;
    private long extra;
    private long different;
    private long rowsHash;
    private long documentsHash;
    private boolean documentsStarted;

    /**
     * @param metadataField the field the sink adds to every document ({@code _cdc}); ignored
     * @param maxDifferences how many differences to list in the report (all are counted)
     */
    public Comparison(String metadataField, int maxDifferences) {
        this(metadataField, maxDifferences, Set.of());
    }

    /**
     * @param jsonColumns the names of the table's {@code json}, {@code jsonb}, {@code json[]} and
     *     {@code jsonb[]} columns, whose values are expected wrapped as the README states
     */
    public Comparison(String metadataField, int maxDifferences, Set<String> jsonColumns) {
        this.metadataField = metadataField;
        this.maxDifferences = maxDifferences;
        this.jsonColumns = Set.copyOf(jsonColumns);
    }

    /** Adds a row, converted like the pipeline converts it; must come before every document. */
    public void row(String id, JsonNode row) {
        if (documentsStarted) {
            throw new IllegalStateException("rows must all come before the documents");
        }
        long hash = Canonical.hash(id, Canonical.text(expectedDocument(row)));
        rows++;
        rowsHash += hash;
        if (unmatchedRows.put(id, hash) != null) {
            throw new IllegalArgumentException("two rows have the document id " + id
                    + ": the key columns do not identify rows");
        }
    }

    /** Adds a document's source as stored (the metadata field is dropped here). */
    public void document(String id, ObjectNode source) {
        documentsStarted = true;
        ObjectNode data = source.deepCopy();
        data.remove(metadataField);
        long hash = Canonical.hash(id, Canonical.text(data));
        documents++;
        documentsHash += hash;
        Long rowHash = unmatchedRows.remove(id);
        if (rowHash == null) {
            extra++;
            list(new Difference(Difference.Kind.EXTRA, id, Canonical.text(data)));
        } else if (rowHash == hash) {
            matched++;
        } else {
            different++;
            if (differingDocuments.size() < maxDifferences) {
                differingDocuments.put(id, data);
            }
        }
    }

    /**
     * Ends the comparison.
     *
     * @param rowOf finds the row of a differing document (by the document's key values), to list which
     *     fields differ; empty when the row is gone meanwhile
     */
    public VerifyReport finish(String table, String index, Function<ObjectNode, Optional<JsonNode>> rowOf,
                               Duration elapsed) {
        for (Map.Entry<String, ObjectNode> e : differingDocuments.entrySet()) {
            Optional<JsonNode> row = rowOf.apply(e.getValue());
            list(new Difference(Difference.Kind.DIFFERENT, e.getKey(), row
                    .map(r -> fieldDifferences(expectedDocument(r), e.getValue()))
                    .orElse("row not found when re-read; document " + Canonical.text(e.getValue()))));
        }
        long missing = unmatchedRows.size();
        for (String id : unmatchedRows.keySet()) {
            if (listed.size() >= maxDifferences) {
                break;
            }
            list(new Difference(Difference.Kind.MISSING, id, "no document for this row"));
        }
        return new VerifyReport(table, index, rows, documents, matched, missing, extra, different, rowsHash,
                documentsHash, listed, elapsed);
    }

    /** The document the sink should store for {@code row} (without the metadata field): see the class comment. */
    JsonNode expectedDocument(JsonNode row) {
        ObjectNode expected = null;
        for (String column : jsonColumns) {
            JsonNode value = row.get(column);
            if (value != null && rejectedByStructuredField(value)) {
                if (expected == null) {
                    expected = row.deepCopy();
                }
                expected.putObject(column).set(JSON_WRAPPER, value);
            }
        }
        return expected == null ? row : expected;
    }

    /**
     * Whether Elasticsearch's {@code flattened} and {@code object} fields refuse the value as it is (a scalar,
     * or an array with a scalar at any depth), or it would read back as a wrapping (an object whose only
     * field is {@code _value}).
     */
    static boolean rejectedByStructuredField(JsonNode value) {
        if (value.isNull()) {
            return false;
        }
        if (value.isObject()) {
            return value.size() == 1 && value.has(JSON_WRAPPER);
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                boolean scalar = !element.isNull() && !element.isObject() && !element.isArray();
                if (scalar || element.isArray() && rejectedByStructuredField(element)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** The fields whose values differ, as {@code field: postgres=... elasticsearch=...}, sorted by field. */
    static String fieldDifferences(JsonNode row, JsonNode document) {
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        for (Iterator<String> it = document.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            String expected = row.has(name) ? Canonical.text(row.get(name)) : "(absent)";
            String actual = document.has(name) ? Canonical.text(document.get(name)) : "(absent)";
            if (!expected.equals(actual)) {
                parts.add(name + ": postgres=" + abbreviate(expected) + " elasticsearch=" + abbreviate(actual));
            }
        }
        return parts.isEmpty() ? "(no field differs: the ids hash differently)" : String.join("; ", parts);
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 100) + "...(" + text.length() + " chars)";
    }

    private void list(Difference difference) {
        if (listed.size() < maxDifferences) {
            listed.add(difference);
        }
    }
}
