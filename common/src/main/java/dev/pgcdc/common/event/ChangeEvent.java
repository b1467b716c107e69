package dev.pgcdc.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One change of one row (or one table-wide event: a truncate, or a snapshot's start or completion
 * marker, see {@link Op}), in the Debezium envelope with schemas
 * disabled: {@code before}, {@code after}, {@code op}, {@code ts_ms}, {@code source}; plus three
 * fields Debezium lacks:
 * <ul>
 *   <li>{@code key}: the row's key columns and values, in key order ({@code null} only for
 *       table-wide events). For a table without a primary key this is the configured key columns, or
 *       every column when the table uses {@code REPLICA IDENTITY FULL}.</li>
 *   <li>{@code columns}: every column of the table with its PostgreSQL type name and key flag,
 *       so consumers can build mappings and interpret values.</li>
 *   <li>{@code unchanged_toast}: columns left out of {@code after} because PostgreSQL did not
 *       send their value (an unchanged TOASTed value). They are never nulled or replaced by a
 *       placeholder; a consumer keeps whatever value it already holds.</li>
 * </ul>
 * The row objects are Jackson trees. Contract: nobody mutates them after the event is built
 * (the codec and the daemons only read them); copying them on every access would cost the hot
 * path an allocation per column.
 *
 * <p>Equality follows the JSON the event encodes to, so that a decoded event equals the one that
 * was encoded: object members compare regardless of order, and two numbers are equal when they
 * are written with the same digits ({@code 42} as an int or a long; {@code 10.50} differs from
 * {@code 10.5}; a decimal with a negative scale such as {@code 1.2E+3} equals the integer
 * {@code 1200}). The hash code leaves the row objects out so that it stays consistent with that.
 */
@JsonPropertyOrder({"before", "after", "op", "ts_ms", "source", "key", "columns", "unchanged_toast"})
public record ChangeEvent(
        @JsonProperty("before") @JsonInclude(JsonInclude.Include.ALWAYS) ObjectNode before,
        @JsonProperty("after") @JsonInclude(JsonInclude.Include.ALWAYS) ObjectNode after,
        @JsonProperty(value = "op", required = true) Op op,
        @JsonProperty(value = "ts_ms", required = true) long tsMs,
        @JsonProperty(value = "source", required = true) Source source,
        @JsonProperty("key") @JsonInclude(JsonInclude.Include.ALWAYS) ObjectNode key,
        @JsonProperty("columns") List<Column> columns,
        @JsonProperty("unchanged_toast") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unchangedToast) {

    @JsonCreator
    public ChangeEvent {
        Objects.requireNonNull(op, "'op' is required");
        Objects.requireNonNull(source, "'source' is required");
        columns = columns == null ? List.of() : List.copyOf(columns);
        unchangedToast = unchangedToast == null ? List.of() : List.copyOf(unchangedToast);
        switch (op) {
            case CREATE, READ -> require(after != null, op, "needs 'after'");
            case UPDATE -> require(after != null, op, "needs 'after'");
            case DELETE -> require(before != null || key != null, op, "needs 'before' or 'key'");
            case TRUNCATE, SNAPSHOT_STARTED, SNAPSHOT_COMPLETED ->
                    require(before == null && after == null, op, "carries no row");
        }
        if (!op.tableWide()) {
            require(key != null, op, "needs 'key'");
        }
    }

    private static void require(boolean condition, Op op, String what) {
        if (!condition) {
            throw new IllegalArgumentException("a change event with op '" + op.code() + "' " + what);
        }
    }

    /** The names of the key columns, in key order. */
    public List<String> keyColumns() {
        return columns.stream().filter(Column::key).map(Column::name).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChangeEvent that
                && op == that.op
                && tsMs == that.tsMs
                && source.equals(that.source)
                && columns.equals(that.columns)
                && unchangedToast.equals(that.unchangedToast)
                && JsonValues.same(before, that.before)
                && JsonValues.same(after, that.after)
                && JsonValues.same(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, tsMs, source, columns, unchangedToast);
    }
}
