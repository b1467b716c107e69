package dev.pgcdc.sink.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.sink.index.FieldMappings;
import dev.pgcdc.sink.index.RowVersion;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index-level requests: templates, explicit column mappings, tombstone look-ups, and the
 * refresh + delete-by-query of a truncate. Remembers which columns it has mapped per index so a
 * mapping request is sent only for a new index or a new column. Called from the sink's loop thread
 * only (not thread-safe).
 */
public final class IndexAdmin {

    private static final Logger log = LoggerFactory.getLogger(IndexAdmin.class);

    private final EsConnection connection;
    private final FieldMappings fieldMappings;
    private final Map<String, Set<String>> mappedColumns = new HashMap<>();

    public IndexAdmin(EsConnection connection, FieldMappings fieldMappings) {
        this.connection = connection;
        this.fieldMappings = fieldMappings;
    }

    public void putTemplate(String name, ObjectNode body) throws EsUnavailableException {
        try {
            connection.client().indices().putIndexTemplate(p -> p.name(name).withJson(new StringReader(body.toString())));
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "installing index template " + name);
        }
    }

    /**
     * Makes sure {@code index} exists and maps every column: a column the index has no mapping for
     * gets the one derived from its PostgreSQL type. Existing mappings (the user's template, or
     * earlier ones) are left alone; a derived mapping Elasticsearch refuses is logged and skipped
     * (dynamic mapping then applies).
     */
    public void ensureColumns(String index, List<Column> columns) throws EsUnavailableException {
        Set<String> known = mappedColumns.get(index);
        if (known == null) {
            known = loadMappedFields(index);
            mappedColumns.put(index, known);
        }
        Map<String, ObjectNode> missing = new LinkedHashMap<>();
        for (Column column : columns) {
            if (!known.contains(column.name())) {
                missing.put(column.name(), fieldMappings.forType(column.type()));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (!putMapping(index, missing) && missing.size() > 1) {
            for (Map.Entry<String, ObjectNode> field : missing.entrySet()) {
                putMapping(index, Map.of(field.getKey(), field.getValue()));
            }
        }
        known.addAll(missing.keySet());
    }

    /** Forget what is mapped (e.g. after an index was deleted behind the sink's back). */
    public void forgetMappings() {
        mappedColumns.clear();
    }

    private boolean putMapping(String index, Map<String, ObjectNode> fields) throws EsUnavailableException {
        ObjectNode body = ChangeEventCodec.MAPPER.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        fields.forEach(properties::set);
        try {
            connection.client().indices().putMapping(p -> p.index(index).withJson(new StringReader(body.toString())));
            return true;
        } catch (ElasticsearchException e) {
            if (Failures.classify(e) == Failures.Kind.PERMANENT) {
                log.warn("Elasticsearch refused the derived mapping of {} in index {} ({}); dynamic mapping applies",
                        fields.keySet(), index, Failures.describe(e));
                return false;
            }
            throw connection.translate(e, "mapping columns of index " + index);
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "mapping columns of index " + index);
        }
    }

    private Set<String> loadMappedFields(String index) throws EsUnavailableException {
        ElasticsearchClient client = connection.client();
        try {
            try {
                client.indices().create(c -> c.index(index));
                log.info("created index {}", index);
            } catch (ElasticsearchException e) {
                String type = e.error() == null ? null : e.error().type();
                if (!"resource_already_exists_exception".equals(type)) {
                    throw e;
                }
            }
            var response = client.indices().getMapping(g -> g.index(index));
            Set<String> fields = new HashSet<>();
            response.result().values().forEach(state -> {
                TypeMapping mappings = state.mappings();
                if (mappings != null) {
                    fields.addAll(mappings.properties().keySet());
                }
            });
            return fields;
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "creating index " + index);
        }
    }

    /** True when the tombstone index holds at least one document. */
    public boolean hasDocuments(String index) throws EsUnavailableException {
        try {
            return connection.client().count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true)).count() > 0;
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "counting documents of " + index);
        }
    }

    /** Whether {@code index} holds a document whose keyword {@code field} is {@code value} (false when it does not exist). */
    public boolean hasDocuments(String index, String field, String value) throws EsUnavailableException {
        try {
            return connection.client().count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.term(t -> t.field(field).value(value)))).count() > 0;
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "counting documents of " + index + " with " + field + " " + value);
        }
    }

    /** The versions stored in the tombstone index for these ids. */
    public Map<String, RowVersion> versions(String index, List<String> ids) throws EsUnavailableException {
        Map<String, RowVersion> versions = new HashMap<>();
        sources(index, ids).forEach((id, source) -> versions.put(id,
                new RowVersion(source.path("commit_lsn").asLong(), source.path("sequence").asLong())));
        return versions;
    }

    /**
     * The stored sources of these documents, by id; missing documents (or a missing index) are
     * absent. A realtime GET: sees every acknowledged write, refreshed or not.
     */
    public Map<String, ObjectNode> sources(String index, List<String> ids) throws EsUnavailableException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        MgetResponse<ObjectNode> response;
        try {
            response = connection.client().mget(m -> m.index(index).ids(ids).realtime(true), ObjectNode.class);
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "reading documents of " + index);
        }
        Map<String, ObjectNode> found = new HashMap<>();
        for (MultiGetResponseItem<ObjectNode> item : response.docs()) {
            if (item.isResult() && item.result().found() && item.result().source() != null) {
                found.put(item.result().id(), item.result().source());
            } else if (item.isFailure()) {
                String type = item.failure().error().type();
                if (!"index_not_found_exception".equals(type)) {
                    throw new EsUnavailableException("reading documents of " + index + " failed: " + type, null);
                }
            }
        }
        return found;
    }

    /**
     * Deletes every document of {@code index} whose metadata version is below {@code version} (a
     * truncate): refresh, search a page of such documents, delete them in bulk with
     * {@code version=commit_lsn, version_type=external_gte}, repeat until none is left. Searching
     * sees only refreshed documents, hence the refresh; the versioned deletes cannot remove a
     * document a newer change (another partition running ahead) wrote meanwhile. Uses only core
     * APIs (no delete-by-query, which lives in the reindex module).
     *
     * @return the number of documents deleted
     */
    public long deleteOlderThan(String index, String metadataField, RowVersion version) throws EsUnavailableException {
        ObjectNode query = ChangeEventCodec.MAPPER.createObjectNode();
        ObjectNode bool = query.putObject("query").putObject("bool");
        bool.put("minimum_should_match", 1);
        var should = bool.putArray("should");
        should.addObject().putObject("range").putObject(metadataField + ".commit_lsn").put("lt", version.commitLsn());
        var same = should.addObject().putObject("bool").putArray("filter");
        same.addObject().putObject("term").put(metadataField + ".commit_lsn", version.commitLsn());
        same.addObject().putObject("range").putObject(metadataField + ".sequence").put("lt", version.sequence());
        query.put("size", 1000);
        query.put("_source", false);
        String body = query.toString();
        var client = connection.client();
        long deleted = 0;
        try {
            while (true) {
                client.indices().refresh(r -> r.index(index).ignoreUnavailable(true).allowNoIndices(true));
                var hits = client.search(s -> s.index(index).ignoreUnavailable(true).allowNoIndices(true)
                        .withJson(new StringReader(body)), ObjectNode.class).hits().hits();
                if (hits.isEmpty()) {
                    return deleted;
                }
                var bulk = new co.elastic.clients.elasticsearch.core.BulkRequest.Builder();
                for (var hit : hits) {
                    bulk.operations(o -> o.delete(d -> d.index(index).id(hit.id()).version(version.commitLsn())
                            .versionType(co.elastic.clients.elasticsearch._types.VersionType.ExternalGte)));
                }
                var response = client.bulk(bulk.build());
                for (var item : response.items()) {
                    if (item.error() == null || item.status() == 409 || item.status() == 404) {
                        deleted += item.error() == null ? 1 : 0;
                    } else if (Failures.ofStatus(item.status()) == Failures.Kind.RETRIABLE) {
                        throw new EsUnavailableException("truncating " + index + ": " + item.error().type(), null);
                    } else {
                        throw new co.elastic.clients.elasticsearch._types.ElasticsearchException("bulk", 
                                co.elastic.clients.elasticsearch._types.ErrorResponse.of(e -> e.status(item.status())
                                        .error(item.error())));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw connection.translate(e, "truncating index " + index);
        }
    }
}
