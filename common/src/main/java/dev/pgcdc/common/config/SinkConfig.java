package dev.pgcdc.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code sink} section: settings only the Elasticsearch sink reads.
 *
 * @param bulkMaxActions most operations in one bulk request
 * @param bulkMaxBytes most bytes in one bulk request
 * @param maxInFlightRequests most bulk requests in flight at once (key {@code max_in_flight_requests}):
 *     a backlog is applied in rounds of up to this many requests of {@code bulk_max_actions} items,
 *     sent together, so Elasticsearch indexes them in parallel
 * @param linger how long a partial batch waits for more records while no bulk request is in flight
 *     (then it is sent); at most {@code flushInterval}, which is also its default
 * @param flushInterval longest time an operation waits in a partial batch before it is sent, also
 *     while a bulk request is in flight (it is then queued behind that one)
 * @param metadataField name of the object in every mirror document that holds the change's
 *     metadata (op, lsn, commit_lsn, sequence, commit time); key {@code metadata_field}
 * @param numericMapping how PostgreSQL {@code numeric} columns are mapped; key {@code numeric_mapping}
 * @param numericScalingFactor scaling factor when {@code numeric_mapping: scaled_float}
 * @param jsonMapping how {@code json}/{@code jsonb} columns are mapped; key {@code json_mapping}
 * @param changeLog whether every event is also written to a per-table change-log index
 * @param changeLogIndex change-log index name after the index prefix; {@code {schema}} and
 *     {@code {table}} are replaced (key {@code change_log_index})
 * @param tombstoneIndex name, after the index prefix, of the index that remembers deletes and
 *     truncates so that an older replayed write cannot resurrect a row (key {@code tombstone_index})
 * @param indexTemplates per table ({@code schema.table}), a JSON file with the user's own index
 *     template body ({@code settings}, {@code mappings}); it wins over the derived mapping
 * @param requestTimeout timeout of one Elasticsearch request (key {@code request_timeout})
 * @param retryInitialBackoff first delay before retrying failed bulk items
 * @param retryMaxBackoff longest delay between retries (retries never give up)
 */
public record SinkConfig(
        int bulkMaxActions,
        long bulkMaxBytes,
        int maxInFlightRequests,
        Duration linger,
        Duration flushInterval,
        String metadataField,
        NumericMapping numericMapping,
        int numericScalingFactor,
        JsonMapping jsonMapping,
        boolean changeLog,
        String changeLogIndex,
        String tombstoneIndex,
        Map<TableId, Path> indexTemplates,
        Duration requestTimeout,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff) {

    /** Elasticsearch field type for PostgreSQL {@code numeric}. */
    public enum NumericMapping { DOUBLE, SCALED_FLOAT }

    /** Elasticsearch field type for PostgreSQL {@code json} and {@code jsonb}. */
    public enum JsonMapping { FLATTENED, OBJECT }

    private static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);

    public SinkConfig {
        indexTemplates = Map.copyOf(indexTemplates);
    }

    /** The defaults, as an absent {@code sink:} section gives them. */
    public static SinkConfig defaults() {
        return new SinkConfig(1000, 5L * 1024 * 1024, 1, DEFAULT_FLUSH_INTERVAL, DEFAULT_FLUSH_INTERVAL, "_cdc",
                NumericMapping.DOUBLE, 100, JsonMapping.FLATTENED, false, "changes_{schema}_{table}", "tombstones", Map.of(),
                Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    static SinkConfig from(ConfigNode node) {
        String metadataField = node.string("metadata_field", "_cdc");
        if (!metadataField.matches("[A-Za-z0-9_][A-Za-z0-9_-]*")) {
            node.problem("metadata_field", "'" + metadataField + "' must be a plain field name (letters, digits, '_', '-')");
        }
        String changeLogIndex = node.string("change_log_index", "changes_{schema}_{table}");
        if (!changeLogIndex.contains("{table}")) {
            node.problem("change_log_index", "must contain {table} (and usually {schema}), e.g. changes_{schema}_{table}");
        }
        String tombstoneIndex = node.string("tombstone_index", "tombstones");
        if (!tombstoneIndex.matches("[a-z0-9][a-z0-9_.-]*")) {
            node.problem("tombstone_index", "'" + tombstoneIndex + "' is not a valid index name part: use lower-case letters,"
                    + " digits, '_', '-' or '.'");
        }
        Map<TableId, Path> templates = new LinkedHashMap<>();
        node.passThrough("index_templates").values().forEach((table, file) -> {
            try {
                templates.put(TableId.parse(table), Path.of(file));
            } catch (IllegalArgumentException e) {
                node.problem("index_templates", e.getMessage());
            }
        });
        Duration initial = node.duration("retry_initial_backoff", Duration.ofMillis(100));
        Duration max = node.duration("retry_max_backoff", Duration.ofSeconds(30));
        if (initial.isZero() || max.compareTo(initial) < 0) {
            node.problem("retry_max_backoff", "must be at least retry_initial_backoff, and both above zero");
        }
        Duration flushInterval = node.duration("flush_interval", DEFAULT_FLUSH_INTERVAL);
        Duration linger = node.duration("linger", flushInterval);
        if (linger.compareTo(flushInterval) > 0) {
            node.problem("linger", "is " + linger.toMillis() + " ms, longer than flush_interval (" + flushInterval.toMillis()
                    + " ms), which sends a partial batch in any case; set linger to at most flush_interval");
        }
        return new SinkConfig(
                node.integer("bulk_max_actions", 1000, 1, 100_000),
                node.bytes("bulk_max_bytes", 5L * 1024 * 1024),
                node.integer("max_in_flight_requests", 1, 1, 16),
                linger,
                flushInterval,
                metadataField,
                node.choice("numeric_mapping", NumericMapping.class, NumericMapping.DOUBLE),
                node.integer("numeric_scaling_factor", 100, 1, 1_000_000_000),
                node.choice("json_mapping", JsonMapping.class, JsonMapping.FLATTENED),
                node.bool("change_log", false),
                changeLogIndex,
                tombstoneIndex,
                templates,
                node.duration("request_timeout", Duration.ofSeconds(30)),
                initial,
                max);
    }
}
