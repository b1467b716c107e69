package dev.pgcdc.common.config;

import java.time.Duration;

/**
 * The {@code sink} section: settings only the Elasticsearch sink reads.
 *
 * @param bulkMaxActions most operations in one bulk request
 * @param bulkMaxBytes most bytes in one bulk request
 * @param flushInterval longest time an operation waits before its bulk request is sent
 */
public record SinkConfig(int bulkMaxActions, long bulkMaxBytes, Duration flushInterval) {

    static SinkConfig from(ConfigNode node) {
        return new SinkConfig(
                node.integer("bulk_max_actions", 1000, 1, 100_000),
                node.bytes("bulk_max_bytes", 5L * 1024 * 1024),
                node.duration("flush_interval", Duration.ofMillis(200)));
    }
}
