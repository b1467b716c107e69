package dev.pgcdc.common.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code replicator} section: settings only the replicator reads.
 *
 * @param positionPath the LMDB directory holding the confirmed LSN
 * @param statusInterval how often a standby status update is sent, also while idle
 */
public record ReplicatorConfig(Path positionPath, Duration statusInterval) {

    static ReplicatorConfig from(ConfigNode node) {
        Path positionPath = Path.of(node.string("position_path", "data/replicator-position"));
        Duration statusInterval = node.duration("status_interval", Duration.ofSeconds(10));
        if (statusInterval.isZero() || statusInterval.isNegative()) {
            node.problem("status_interval", "must be above 0 (and at most a third of the server's wal_sender_timeout)");
        }
        return new ReplicatorConfig(positionPath, statusInterval);
    }
}
