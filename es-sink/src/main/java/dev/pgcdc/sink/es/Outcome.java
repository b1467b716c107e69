package dev.pgcdc.sink.es;

/**
 * The result of one bulk item.
 *
 * @param reason for {@code RETRY} and {@code REJECTED}: the error type and reason Elasticsearch
 *     gave (no document content); null otherwise
 */
public record Outcome(Kind kind, int status, String reason) {

    public enum Kind {
        /** Written, or nothing to do (a delete of a missing document). */
        APPLIED,
        /** 409: a newer transaction's write is stored; the write is superseded (success). */
        CONFLICT,
        /** Worth retrying: 429, 5xx, shard unavailable. */
        RETRY,
        /** Can never succeed (mapping rejection, too large): dead-letter the event. */
        REJECTED
    }

    public static final Outcome APPLIED = new Outcome(Kind.APPLIED, 200, null);
}
