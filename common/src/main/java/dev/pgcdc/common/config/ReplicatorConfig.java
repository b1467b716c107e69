package dev.pgcdc.common.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code replicator} section: settings only the replicator reads.
 *
 * @param positionPath the LMDB directory holding the confirmed LSN
 * @param statusInterval how often a standby status update is sent, also while idle; at most a
 *     third of the server's {@code wal_sender_timeout} (checked at start-up)
 * @param heartbeatInterval how often a heartbeat message is written to the WAL so that the slot
 *     advances while the captured tables are idle; zero disables it
 * @param maxInFlightEvents most events sent to Kafka and not yet acknowledged; reading the
 *     stream pauses at this cap
 * @param maxInFlightBytes most bytes of record values sent to Kafka and not yet acknowledged
 * @param positionSyncInterval how long an acknowledged commit may wait before its LSN is written
 *     to LMDB and confirmed (batches the fsync); zero confirms every commit at once
 * @param shutdownTimeout how long a stop may take to flush Kafka and confirm the last position
 * @param reconnectInitialBackoff first wait before reconnecting after a lost connection
 * @param reconnectMaxBackoff longest wait between reconnection attempts
 * @param reconnectMaxAttempts attempts before giving up; zero retries for ever
 * @param snapshotWorkers how many connections read snapshot chunks in parallel
 * @param snapshotChunkSize rows per key-range chunk of a table with a key (the unit of parallel
 *     reading and of resumable progress)
 * @param snapshotFetchSize rows fetched per round trip by a snapshot cursor (bounds memory)
 * @param snapshotProgressInterval how often snapshot progress is logged
 * @param backfillChunkSize rows per chunk of an on-demand backfill; each chunk is held in memory
 *     between its watermarks, and the stream pauses while it is selected
 */
public record ReplicatorConfig(
        Path positionPath,
        Duration statusInterval,
        Duration heartbeatInterval,
        int maxInFlightEvents,
        long maxInFlightBytes,
        Duration positionSyncInterval,
        Duration shutdownTimeout,
        Duration reconnectInitialBackoff,
        Duration reconnectMaxBackoff,
        int reconnectMaxAttempts,
        int snapshotWorkers,
        int snapshotChunkSize,
        int snapshotFetchSize,
        Duration snapshotProgressInterval,
        int backfillChunkSize) {

    static ReplicatorConfig from(ConfigNode node) {
        Path positionPath = Path.of(node.string("position_path", "data/replicator-position"));
        Duration statusInterval = node.duration("status_interval", Duration.ofSeconds(10));
        if (statusInterval.isZero() || statusInterval.isNegative()) {
            node.problem("status_interval", "must be above 0 (and at most a third of the server's wal_sender_timeout)");
        }
        Duration heartbeat = node.duration("heartbeat_interval", Duration.ofSeconds(10));
        int maxEvents = node.integer("max_in_flight_events", 10_000, 1, 10_000_000);
        long maxBytes = node.bytes("max_in_flight_bytes", 16L * 1024 * 1024);
        if (maxBytes < 1024) {
            node.problem("max_in_flight_bytes", "must be at least 1kb, e.g. 16mb");
        }
        Duration sync = node.duration("position_sync_interval", Duration.ofMillis(100));
        Duration shutdown = node.duration("shutdown_timeout", Duration.ofSeconds(8));
        if (shutdown.isZero() || shutdown.compareTo(Duration.ofMinutes(10)) > 0) {
            node.problem("shutdown_timeout", "must be between 1ms and 10m, e.g. 8s");
        }
        Duration initialBackoff = node.duration("reconnect_initial_backoff", Duration.ofMillis(500));
        Duration maxBackoff = node.duration("reconnect_max_backoff", Duration.ofSeconds(30));
        if (initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            node.problem("reconnect_max_backoff", "must be at least reconnect_initial_backoff, and both above 0");
        }
        int maxAttempts = node.integer("reconnect_max_attempts", 0, 0, Integer.MAX_VALUE);
        int workers = node.integer("snapshot_workers", 4, 1, 64);
        int chunkSize = node.integer("snapshot_chunk_size", 50_000, 10, 100_000_000);
        int fetchSize = node.integer("snapshot_fetch_size", 2_000, 10, 1_000_000);
        Duration progressInterval = node.duration("snapshot_progress_interval", Duration.ofSeconds(10));
        if (progressInterval.isZero() || progressInterval.isNegative()) {
            node.problem("snapshot_progress_interval", "must be above 0, e.g. 10s");
        }
        int backfillChunkSize = node.integer("backfill_chunk_size", 2_000, 1, 1_000_000);
        return new ReplicatorConfig(positionPath, statusInterval, heartbeat, maxEvents, maxBytes, sync, shutdown,
                initialBackoff, maxBackoff, maxAttempts, workers, chunkSize, fetchSize, progressInterval,
                backfillChunkSize);
    }
}
