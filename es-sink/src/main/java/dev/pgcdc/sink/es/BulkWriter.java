package dev.pgcdc.sink.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import dev.pgcdc.sink.index.Write;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends writes as one bulk request and reports every item's outcome. A 413 for the whole request
 * splits it in halves until single items remain (a single item too large is rejected). Whole
 * request failures other than 413 are thrown. Called from the sink's loop thread only.
 */
public final class BulkWriter {

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
        ElasticsearchClient client = connection.client();
        BulkResponse response;
        try {
            BulkRequest.Builder request = new BulkRequest.Builder();
            for (Write write : writes) {
                request.operations(operation(write));
            }
            response = client.bulk(request.build());
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

    private BulkOperation operation(Write write) {
        if (write instanceof Write.VersionedIndex w) {
            BinaryData source = BinaryData.of(w.source(), ContentType.APPLICATION_JSON);
            return BulkOperation.of(o -> o.index(i -> i.index(w.index()).id(w.id())
                    .version(w.version().commitLsn()).versionType(VersionType.ExternalGte).document(source)));
        }
        if (write instanceof Write.VersionedDelete w) {
            return BulkOperation.of(o -> o.delete(d -> d.index(w.index()).id(w.id())
                    .version(w.version().commitLsn()).versionType(VersionType.ExternalGte)));
        }
        if (write instanceof Write.PlainIndex w) {
            BinaryData source = BinaryData.of(w.source(), ContentType.APPLICATION_JSON);
            return BulkOperation.of(o -> o.index(i -> i.index(w.index()).id(w.id()).document(source)));
        }
        throw new IllegalArgumentException("not a bulk operation: " + write.getClass().getSimpleName()
                + " (partial updates are resolved by the applier first)");
    }
}
