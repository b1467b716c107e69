package dev.pgcdc.replicator.event;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.replicator.FatalException;

/**
 * Stops a row that cannot fit in one Kafka record before its event is built. A 50 MB text value
 * would otherwise be held as text, as a JSON tree and as encoded bytes at once, and exhaust a small
 * heap (the documented {@code -Xmx256m}) before the producer could refuse it with a clear error.
 *
 * <p>The check uses a lower bound of the encoded size, so it never refuses an event the producer
 * would accept: only types whose JSON form is at least a known share of their text form count
 * (text-like types in full; bytea at the base64 size of its bytes; jsonb and arrays at half, since
 * their JSON drops the spaces and braces of the text form); every other type counts as zero.
 * Immutable and thread-safe.
 */
public final class EventSizeGuard {

    /** Refuses nothing: for tests and benchmarks. */
    public static final EventSizeGuard NONE = new EventSizeGuard(Long.MAX_VALUE);

    private final long maxEventBytes;

    /** @param maxEventBytes the producer's {@code max.request.size}, in bytes */
    public EventSizeGuard(long maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** The fewest bytes the JSON of one value takes in the event, given its type name and text form. */
    static long minimumJsonBytes(String typeName, String text) {
        return switch (typeName) {
            case "text", "varchar", "bpchar", "name", "xml", "citext", "tsvector" -> text.length();
            // \x followed by two hex digits per byte; base64 writes four characters per three bytes.
            case "bytea" -> Math.max(0, text.length() - 2) / 2 * 4 / 3;
            case "jsonb" -> text.length() / 2;
            default -> typeName.startsWith("_") ? text.length() / 2 : 0;
        };
    }

    /**
     * Adds one value to a running lower bound and throws once the bound is over the limit. Called for
     * every value of every row: allocates nothing unless it throws.
     *
     * @return the new running bound
     * @throws FatalException when the event cannot fit in one Kafka record
     */
    long add(long soFar, String typeName, String text, TableId table) {
        long total = soFar + minimumJsonBytes(typeName, text);
        if (total > maxEventBytes) {
            throw new FatalException("a change event is larger than the producer or broker allows: the values of a row"
                    + " of " + table + " alone take at least " + total + " bytes, over kafka max.request.size (" + maxEventBytes
                    + " bytes); raise kafka.producer max.request.size and the topic's max.message.bytes (and give the"
                    + " replicator a heap of several times the largest row), or keep such values out of the captured"
                    + " tables");
        }
        return total;
    }
}
