package dev.pgcdc.replicator.pgoutput;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded pgoutput (protocol version 1) message; one record per message type of
 * <a href="https://www.postgresql.org/docs/15/protocol-logicalrep-message-formats.html">Logical
 * Replication Message Formats</a>. Units used throughout: LSNs are the raw 64-bit WAL positions,
 * timestamps are {@link Instant}s converted from the protocol's microseconds since 2000-01-01 UTC,
 * transaction ids are unsigned 32-bit values widened to {@code long}, and OIDs (relation and type ids)
 * are unsigned 32-bit values kept in an {@code int} (print them with {@link Integer#toUnsignedString}).
 */
public sealed interface PgOutputMessage {

    /** Tag 'B': the start of a transaction; the changes follow, then {@link Commit}. */
    record Begin(long finalLsn, Instant commitTimestamp, long xid) implements PgOutputMessage {
        public Begin {
            Objects.requireNonNull(commitTimestamp, "commitTimestamp");
        }
    }

    /** Tag 'C': the end of a transaction; {@code endLsn} is the position to confirm once it is durable. */
    record Commit(int flags, long commitLsn, long endLsn, Instant commitTimestamp) implements PgOutputMessage {
        public Commit {
            Objects.requireNonNull(commitTimestamp, "commitTimestamp");
        }
    }

    /** Tag 'O': the transaction was replayed from another node; may appear several times per transaction. */
    record Origin(long commitLsn, String name) implements PgOutputMessage {
        public Origin {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Tag 'R': the current shape of a table. It precedes the first change to the table in a session and
     * is sent again after the table's schema changes, so the latest one wins.
     * The protocol sends an empty namespace for {@code pg_catalog}; the decoder fills that name in.
     */
    record Relation(int relationId, String namespace, String name, ReplicaIdentity replicaIdentity,
                    List<Column> columns) implements PgOutputMessage {
        public Relation {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(replicaIdentity, "replicaIdentity");
            columns = List.copyOf(columns);
        }

        /**
         * One published column. {@code typeModifier} is pg_attribute.atttypmod, -1 when the type has none.
         */
        public record Column(int flags, String name, int typeOid, int typeModifier) {
            /** Bit of {@link #flags()} set when the column is part of the replica identity key. */
            public static final int KEY_FLAG = 1;

            public Column {
                Objects.requireNonNull(name, "name");
            }

            public boolean isKey() {
                return (flags & KEY_FLAG) != 0;
            }
        }

        /** pg_class.relreplident: which old values Update and Delete carry. */
        public enum ReplicaIdentity {
            DEFAULT('d'),
            NOTHING('n'),
            FULL('f'),
            INDEX('i');

            private final char code;

            ReplicaIdentity(char code) {
                this.code = code;
            }

            public char code() {
                return code;
            }

            /** Returns the identity for a relreplident code, or empty for an unknown code. */
            public static Optional<ReplicaIdentity> of(char code) {
                for (ReplicaIdentity identity : values()) {
                    if (identity.code == code) {
                        return Optional.of(identity);
                    }
                }
                return Optional.empty();
            }
        }
    }

    /**
     * Tag 'Y': names a user-defined column type of a following {@link Relation}. Sent only for type
     * OIDs outside the built-in range; for a domain the OID is the domain's and the name is its base
     * type's (see logicalrep_write_typ in proto.c). Empty namespace means {@code pg_catalog}, filled in.
     */
    record Type(int typeOid, String namespace, String name) implements PgOutputMessage {
        public Type {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
        }
    }

    /** Tag 'I'. */
    record Insert(int relationId, TupleData newTuple) implements PgOutputMessage {
        public Insert {
            Objects.requireNonNull(newTuple, "newTuple");
        }
    }

    /**
     * Tag 'U'. {@code old} is present when the replica identity is FULL ({@link OldTuple.Kind#FULL}) or
     * when the key columns changed ({@link OldTuple.Kind#KEY}); otherwise the key is unchanged and
     * taken from {@code newTuple}.
     */
    record Update(int relationId, Optional<OldTuple> old, TupleData newTuple) implements PgOutputMessage {
        public Update {
            Objects.requireNonNull(old, "old");
            Objects.requireNonNull(newTuple, "newTuple");
        }
    }

    /** Tag 'D': {@code old} holds the key columns, or the whole row under replica identity FULL. */
    record Delete(int relationId, OldTuple old) implements PgOutputMessage {
        public Delete {
            Objects.requireNonNull(old, "old");
        }
    }

    /** Tag 'T': one TRUNCATE statement over one or more published tables. */
    record Truncate(List<Integer> relationIds, boolean cascade, boolean restartIdentity)
            implements PgOutputMessage {
        public Truncate {
            relationIds = List.copyOf(relationIds);
        }
    }

    /**
     * Tag 'M': a message from {@code pg_logical_emit_message}, sent only with the {@code messages}
     * option. A non-transactional one arrives outside any Begin/Commit. The content is copied in and out.
     */
    record LogicalMessage(boolean transactional, long lsn, String prefix, byte[] content)
            implements PgOutputMessage {
        public LogicalMessage {
            Objects.requireNonNull(prefix, "prefix");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof LogicalMessage message
                    && transactional == message.transactional
                    && lsn == message.lsn
                    && prefix.equals(message.prefix)
                    && Arrays.equals(content, message.content);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transactional, lsn, prefix, Arrays.hashCode(content));
        }

        @Override
        public String toString() {
            return "LogicalMessage[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                    + ", content=" + content.length + " bytes]";
        }
    }
}
