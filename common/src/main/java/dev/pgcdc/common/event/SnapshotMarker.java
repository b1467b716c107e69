package dev.pgcdc.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The {@code source.snapshot} field, as Debezium writes it: {@code false} for streamed changes,
 * {@code true} for rows of the initial snapshot, {@code last} on the final row of a table's
 * snapshot, and {@code incremental} for rows of an on-demand backfill.
 */
public enum SnapshotMarker {
    FALSE("false"),
    TRUE("true"),
    LAST("last"),
    INCREMENTAL("incremental");

    private final String text;

    SnapshotMarker(String text) {
        this.text = text;
    }

    @JsonValue
    public String text() {
        return text;
    }

    @JsonCreator
    public static SnapshotMarker fromText(String text) {
        for (SnapshotMarker marker : values()) {
            if (marker.text.equals(text)) {
                return marker;
            }
        }
        throw new IllegalArgumentException(
                "unknown source.snapshot value '" + text + "' (expected false, true, last or incremental)");
    }
}
