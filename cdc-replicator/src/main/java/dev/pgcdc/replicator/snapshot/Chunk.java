package dev.pgcdc.replicator.snapshot;

import dev.pgcdc.common.config.TableId;
import java.util.ArrayList;
import java.util.List;

/**
 * One key range of a table: keys above {@code lower} (exclusive) up to {@code upper} (inclusive),
 * compared as a row in key order; a null bound is open. A table without a primary key is one chunk
 * with both bounds open. Bounds are the text forms PostgreSQL prints for the key values, cast back
 * to the column types in SQL, so every type with a btree ordering works.
 *
 * @param index the chunk's position in the table's plan, 0-based
 */
public record Chunk(TableId table, int index, List<String> lower, List<String> upper) {

    public Chunk {
        lower = lower == null ? null : List.copyOf(lower);
        upper = upper == null ? null : List.copyOf(upper);
    }

    /** The chunks a plan's boundaries cut the key space into: one more than there are boundaries. */
    public static List<Chunk> of(TableId table, List<List<String>> boundaries) {
        List<Chunk> chunks = new ArrayList<>(boundaries.size() + 1);
        for (int i = 0; i <= boundaries.size(); i++) {
            chunks.add(new Chunk(table, i, i == 0 ? null : boundaries.get(i - 1),
                    i == boundaries.size() ? null : boundaries.get(i)));
        }
        return chunks;
    }

    /**
     * The WHERE condition selecting this chunk (or {@code TRUE}), with {@code ?} for the bound
     * values in the order {@link #parameters()} returns them.
     *
     * @param keyList the quoted key columns, comma-separated, in key order
     * @param keyTypes the SQL type of each key column
     */
    public String condition(String keyList, List<String> keyTypes) {
        List<String> parts = new ArrayList<>(2);
        if (lower != null) {
            parts.add("(" + keyList + ") > (" + casts(keyTypes) + ")");
        }
        if (upper != null) {
            parts.add("(" + keyList + ") <= (" + casts(keyTypes) + ")");
        }
        return parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    }

    /** The bound values for {@link #condition}'s placeholders. */
    public List<String> parameters() {
        List<String> values = new ArrayList<>();
        if (lower != null) {
            values.addAll(lower);
        }
        if (upper != null) {
            values.addAll(upper);
        }
        return values;
    }

    private static String casts(List<String> types) {
        StringBuilder sql = new StringBuilder();
        for (String type : types) {
            if (sql.length() > 0) {
                sql.append(", ");
            }
            sql.append("CAST(? AS ").append(type).append(')');
        }
        return sql.toString();
    }
}
