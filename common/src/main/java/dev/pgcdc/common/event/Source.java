package dev.pgcdc.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Where a change came from: the Debezium {@code source} block plus the ordering fields pgcdc
 * relies on.
 *
 * <p>{@code lsn} is the WAL position of the change itself (Debezium's meaning). {@code commitLsn}
 * is the LSN of the commit record of the change's transaction (for snapshot rows: the snapshot's
 * consistent point); it orders changes of one row across transactions even when a transaction
 * wrote before another committed. {@code sequence} orders changes inside one transaction.
 * Together ({@code commitLsn}, {@code sequence}) is the row version downstream systems compare.
 * {@code txId} is null for snapshot rows read outside a replicated transaction.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Source(
        @JsonProperty("version") String version,
        @JsonProperty("connector") String connector,
        @JsonProperty("name") String name,
        @JsonProperty("db") String db,
        @JsonProperty(value = "schema", required = true) String schema,
        @JsonProperty(value = "table", required = true) String table,
        @JsonProperty("txId") Long txId,
        @JsonProperty(value = "lsn", required = true) long lsn,
        @JsonProperty(value = "commit_lsn", required = true) long commitLsn,
        @JsonProperty(value = "sequence", required = true) long sequence,
        @JsonProperty("ts_ms") long tsMs,
        @JsonProperty(value = "snapshot", required = true) SnapshotMarker snapshot) {

    public static final String CONNECTOR = "pgcdc";

    public Source {
        Objects.requireNonNull(schema, "'schema' is required");
        Objects.requireNonNull(table, "'table' is required");
        Objects.requireNonNull(snapshot, "'snapshot' is required");
    }

    /** {@code schema.table}, unquoted. */
    public String qualifiedTable() {
        return schema + "." + table;
    }
}
