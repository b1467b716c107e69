package dev.pgcdc.sink.es;

import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.json.JsonpMapper;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.pgcdc.sink.index.Write;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends writes as one bulk request (built here as one NDJSON body, see
 * {@link EsConnection#postNdjson}) and reports every item's outcome; the response is read with the
 * typed client's model, trimmed by {@code filter_path} to what the outcome needs. A 413 for the whole request
 * splits it in halves until single items remain (a single item too large is rejected). Whole
 * request failures other than 413 are thrown. Called from the sink's loop thread only.
 */
public final class BulkWriter {

    /** Only what {@link #outcome} reads (and the model requires) comes back: a tenth of the full answer. */
    static final String PATH = "/_bulk?filter_path=took,errors,items.*._index,items.*._id,items.*.status,items.*.error";
    private static final JsonFactory ACTIONS = new JsonFactory();

    private final EsConnection connection;
    private final String metadataField;

    public BulkWriter(EsConnection connection, String metadataField) {
        this.connection = connection;
        this.metadataField = metadataField;
    }

    /**
     * @return one outcome per write, in order
     * @throws EsUnavailableException when the whole request failed and may succeed later
     * @throws EsAuthException on 401/403
     */
    public List<Outcome> write(List<Write> writes) throws EsUnavailableException {
        if (writes.isEmpty()) {
            return List.of();
        }
        BulkResponse response;
        try {
            byte[] answer = connection.postNdjson(PATH, body(writes));
            JsonpMapper mapper = connection.client()._jsonpMapper();
            try (JsonParser parser = mapper.jsonProvider().createParser(new ByteArrayInputStream(answer))) {
                response = BulkResponse._DESERIALIZER.deserialize(parser, mapper);
            }
        } catch (IOException | RuntimeException e) {
            if (Failures.classify(e) == Failures.Kind.TOO_LARGE) {
                if (writes.size() == 1) {
                    return List.of(new Outcome(Outcome.Kind.REJECTED, 413,
                            "request_entity_too_large: the document exceeds Elasticsearch's http.max_content_length"));
                }
                List<Outcome> outcomes = new ArrayList<>(write(writes.subList(0, writes.size() / 2)));
                outcomes.addAll(write(writes.subList(writes.size() / 2, writes.size())));
                return outcomes;
            }
            throw connection.translate(e, "sending a bulk request of " + writes.size() + " items");
        }
        List<BulkResponseItem> items = response.items();
        if (items.size() != writes.size()) {
            throw new IllegalStateException("bulk response has " + items.size() + " items for " + writes.size() + " writes");
        }
        List<Outcome> outcomes = new ArrayList<>(items.size());
        for (BulkResponseItem item : items) {
            outcomes.add(outcome(item));
        }
        return outcomes;
    }

    /**
     * The bulk request body: per write an action line and, for index actions, the document, each
     * line ending in a newline. Documents are compact JSON (no raw newline), as the mapper writes them.
     */
    static byte[] body(List<Write> writes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(
                (int) Math.min(Integer.MAX_VALUE - 8, writes.stream().mapToLong(w -> w.approximateBytes() + 120).sum()));
        // One generator for every action line; documents are copied between them as they are.
        try (JsonGenerator action = ACTIONS.createGenerator(body)) {
            action.setRootValueSeparator(null);
            for (Write write : writes) {
                byte[] source;
                action.writeStartObject();
                if (write instanceof Write.VersionedIndex w) {
                    target(action, "index", w.index(), w.id());
                    versioned(action, w.version().commitLsn());
                    source = w.source();
                } else if (write instanceof Write.VersionedDelete w) {
                    target(action, "delete", w.index(), w.id());
                    versioned(action, w.version().commitLsn());
                    source = null;
                } else if (write instanceof Write.PlainIndex w) {
                    target(action, "index", w.index(), w.id());
                    source = w.source();
                } else {
                    throw new IllegalArgumentException("not a bulk operation: " + write.getClass().getSimpleName()
                            + " (partial updates are resolved by the applier first)");
                }
                action.writeEndObject();
                action.writeEndObject();
                action.flush();
                body.write('\n');
                if (source != null) {
                    body.write(source);
                    body.write('\n');
                }
            }
        }
        return body.toByteArray();
    }

    private static void target(JsonGenerator action, String operation, String index, String id) throws IOException {
        action.writeObjectFieldStart(operation);
        action.writeStringField("_index", index);
        action.writeStringField("_id", id);
    }

    private static void versioned(JsonGenerator action, long version) throws IOException {
        action.writeNumberField("version", version);
        action.writeStringField("version_type", "external_gte");
    }

    static Outcome outcome(BulkResponseItem item) {
        ErrorCause error = item.error();
        int status = item.status();
        if (error == null && status < 300) {
            return Outcome.APPLIED;
        }
        if (error == null && status == 404) {
            // A delete of a document that is not there: the row is gone, which is the goal.
            return Outcome.APPLIED;
        }
        String reason = error == null ? "HTTP " + status : describe(error);
        if (status == 409) {
            return new Outcome(Outcome.Kind.CONFLICT, status, reason);
        }
        return switch (Failures.ofStatus(status)) {
            case RETRIABLE -> new Outcome(Outcome.Kind.RETRY, status, reason);
            case AUTH -> throw new EsAuthException(status, "Elasticsearch refused a bulk item (HTTP " + status + ": "
                    + (error == null ? "" : error.type()) + "); check the user's privileges on index " + item.index());
            default -> new Outcome(Outcome.Kind.REJECTED, status, reason);
        };
    }

    /** The error and its causes, e.g. {@code mapper_parsing_exception: failed to parse field [x] (caused by ...)}. */
    static String describe(ErrorCause error) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (ErrorCause cause = error; cause != null && depth < 4; cause = cause.causedBy(), depth++) {
            text.append(depth == 0 ? "" : " (caused by ").append(cause.type()).append(": ").append(cause.reason());
        }
        for (int i = 1; i < depth; i++) {
            text.append(')');
        }
        return text.length() > 1000 ? text.substring(0, 1000) + "..." : text.toString();
    }
}
