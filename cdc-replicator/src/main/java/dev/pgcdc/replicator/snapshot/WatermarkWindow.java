package dev.pgcdc.replicator.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One backfill chunk between its low and high watermark (the DBLog algorithm): the rows selected
 * after the low watermark committed, and the keys of the table's rows that the stream changed
 * between the two watermarks. At the high watermark, {@link #remaining} are the chunk rows no
 * streamed change in the window touched: for those, the selected value is the row's value as of
 * the high watermark. The others are dropped, since the stream already carried a change at least
 * as new as the selected value (and, for a delete, the selected row no longer exists).
 *
 * <p>Keys are compared by their JSON text, built in key order by the same conversion for streamed
 * and selected rows. Not thread-safe: the stream thread owns it.
 */
public final class WatermarkWindow {

    private final List<ObjectNode> rows;
    private final List<ObjectNode> keys;
    private final Set<String> changed = new HashSet<>();
    private boolean truncated;

    /** @param rows the selected rows; @param keys each row's key, in the same order */
    public WatermarkWindow(List<ObjectNode> rows, List<ObjectNode> keys) {
        if (rows.size() != keys.size()) {
            throw new IllegalArgumentException(rows.size() + " rows but " + keys.size() + " keys");
        }
        this.rows = List.copyOf(rows);
        this.keys = List.copyOf(keys);
    }

    /** A streamed change of the chunk's table between the watermarks. */
    public void changed(ObjectNode key) {
        changed.add(key.toString());
    }

    /** The table was truncated between the watermarks: every selected row is stale. */
    public void truncated() {
        truncated = true;
    }

    /** The rows to emit at the high watermark, in selection order. */
    public List<ObjectNode> remaining() {
        List<ObjectNode> kept = new ArrayList<>(rows.size());
        if (truncated) {
            return kept;
        }
        for (int i = 0; i < rows.size(); i++) {
            if (!changed.contains(keys.get(i).toString())) {
                kept.add(rows.get(i));
            }
        }
        return kept;
    }

    public int selected() {
        return rows.size();
    }
}
