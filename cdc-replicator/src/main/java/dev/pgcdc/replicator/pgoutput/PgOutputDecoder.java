package dev.pgcdc.replicator.pgoutput;

import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Begin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Commit;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Delete;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Insert;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.LogicalMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Origin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.Column;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.ReplicaIdentity;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Truncate;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Type;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decodes one pgoutput protocol version 1 message (the payload of an XLogData frame) into a
 * {@link PgOutputMessage}, following
 * <a href="https://www.postgresql.org/docs/15/protocol-logicalrep-message-formats.html">the spec</a>.
 * It is pure and stateless: no JDBC, no relation lookups (see {@link RelationCache}), safe to call from
 * any thread. Anything it cannot decode completely, including the streaming and two-phase messages of
 * protocol versions 2 and 3, raises {@link PgOutputFormatException}; nothing is skipped silently.
 */
public final class PgOutputDecoder {

    /** Seconds from 1970-01-01 to 2000-01-01, the PostgreSQL epoch of protocol timestamps. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final int TRUNCATE_CASCADE = 1;
    private static final int TRUNCATE_RESTART_IDENTITY = 2;
    private static final int MESSAGE_TRANSACTIONAL = 1;

    private PgOutputDecoder() {
    }

    /**
     * Decodes the bytes from the buffer's position to its limit, which must hold exactly one message.
     * The buffer's position, limit and byte order are left unchanged, and the returned message shares
     * no memory with it, so the caller may reuse the buffer at once.
     *
     * @throws PgOutputFormatException on an empty, truncated or malformed buffer or an unknown tag
     */
    public static PgOutputMessage decode(ByteBuffer buffer) {
        MessageReader reader = new MessageReader(buffer);
        if (!reader.hasRemaining()) {
            throw new PgOutputFormatException("empty pgoutput message: expected at least the tag byte");
        }
        char tag = (char) (reader.readByte("tag") & 0xFF);
        PgOutputMessage message = switch (tag) {
            case 'B' -> begin(named(reader, "Begin"));
            case 'C' -> commit(named(reader, "Commit"));
            case 'O' -> origin(named(reader, "Origin"));
            case 'R' -> relation(named(reader, "Relation"));
            case 'Y' -> type(named(reader, "Type"));
            case 'I' -> insert(named(reader, "Insert"));
            case 'U' -> update(named(reader, "Update"));
            case 'D' -> delete(named(reader, "Delete"));
            case 'T' -> truncate(named(reader, "Truncate"));
            case 'M' -> logicalMessage(named(reader, "Message"));
            default -> throw new PgOutputFormatException(String.format(
                    "unknown pgoutput message tag %s (0x%02X); only protocol version 1 messages are supported",
                    Character.isLetterOrDigit(tag) ? "'" + tag + "'" : "byte", (int) tag));
        };
        reader.expectEnd();
        return message;
    }

    /** Converts protocol microseconds since 2000-01-01 UTC to an instant; exact for every long. */
    static Instant timestamp(long microsSincePostgresEpoch) {
        long seconds = Math.floorDiv(microsSincePostgresEpoch, 1_000_000L);
        long micros = Math.floorMod(microsSincePostgresEpoch, 1_000_000L);
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + seconds, micros * 1_000L);
    }

    private static MessageReader named(MessageReader reader, String name) {
        reader.messageName(name);
        return reader;
    }

    private static Begin begin(MessageReader in) {
        long finalLsn = in.readInt64("final LSN");
        Instant commitTime = timestamp(in.readInt64("commit timestamp"));
        long xid = Integer.toUnsignedLong(in.readInt32("xid"));
        return new Begin(finalLsn, commitTime, xid);
    }

    private static Commit commit(MessageReader in) {
        int flags = in.readByte("flags") & 0xFF;
        long commitLsn = in.readInt64("commit LSN");
        long endLsn = in.readInt64("end LSN");
        Instant commitTime = timestamp(in.readInt64("commit timestamp"));
        return new Commit(flags, commitLsn, endLsn, commitTime);
    }

    private static Origin origin(MessageReader in) {
        long commitLsn = in.readInt64("origin commit LSN");
        return new Origin(commitLsn, in.readString("origin name"));
    }

    private static Relation relation(MessageReader in) {
        int relationId = in.readInt32("relation id");
        String namespace = namespace(in.readString("namespace"));
        String name = in.readString("relation name");
        char identityCode = (char) (in.readByte("replica identity") & 0xFF);
        ReplicaIdentity identity = ReplicaIdentity.of(identityCode)
                .orElseThrow(() -> in.malformed("unknown replica identity '" + identityCode + "'"));
        int count = in.readCount16("column count");
        Column[] columns = new Column[count];
        for (int i = 0; i < count; i++) {
            int flags = in.readByte("column flags") & 0xFF;
            String columnName = in.readString("column name");
            int typeOid = in.readInt32("column type OID");
            int typeModifier = in.readInt32("column type modifier");
            columns[i] = new Column(flags, columnName, typeOid, typeModifier);
        }
        return new Relation(relationId, namespace, name, identity, List.of(columns));
    }

    private static Type type(MessageReader in) {
        int typeOid = in.readInt32("type OID");
        String namespace = namespace(in.readString("namespace"));
        return new Type(typeOid, namespace, in.readString("type name"));
    }

    private static Insert insert(MessageReader in) {
        int relationId = in.readInt32("relation id");
        expectNewTupleMarker(in, in.readByte("new tuple marker"));
        return new Insert(relationId, tuple(in));
    }

    private static Update update(MessageReader in) {
        int relationId = in.readInt32("relation id");
        byte marker = in.readByte("tuple marker");
        Optional<OldTuple> old = Optional.empty();
        if (marker == 'K' || marker == 'O') {
            old = Optional.of(oldTuple(in, marker));
            marker = in.readByte("new tuple marker");
        }
        expectNewTupleMarker(in, marker);
        return new Update(relationId, old, tuple(in));
    }

    private static Delete delete(MessageReader in) {
        int relationId = in.readInt32("relation id");
        byte marker = in.readByte("old tuple marker");
        if (marker != 'K' && marker != 'O') {
            throw in.malformed("expected old tuple marker 'K' or 'O' but found " + describe(marker));
        }
        return new Delete(relationId, oldTuple(in, marker));
    }

    private static Truncate truncate(MessageReader in) {
        int count = in.readLength32("relation count", Integer.BYTES);
        int options = in.readByte("options") & 0xFF;
        Integer[] relationIds = new Integer[count];
        for (int i = 0; i < count; i++) {
            relationIds[i] = in.readInt32("relation id");
        }
        return new Truncate(List.of(relationIds), (options & TRUNCATE_CASCADE) != 0,
                (options & TRUNCATE_RESTART_IDENTITY) != 0);
    }

    private static LogicalMessage logicalMessage(MessageReader in) {
        int flags = in.readByte("flags") & 0xFF;
        long lsn = in.readInt64("message LSN");
        String prefix = in.readString("prefix");
        int length = in.readLength32("content length", 1);
        byte[] content = in.readBytes(length, "content");
        return new LogicalMessage((flags & MESSAGE_TRANSACTIONAL) != 0, lsn, prefix, content);
    }

    private static OldTuple oldTuple(MessageReader in, byte marker) {
        return new OldTuple(marker == 'K' ? OldTuple.Kind.KEY : OldTuple.Kind.FULL, tuple(in));
    }

    private static void expectNewTupleMarker(MessageReader in, byte marker) {
        if (marker != 'N') {
            throw in.malformed("expected new tuple marker 'N' but found " + describe(marker));
        }
    }

    private static TupleData tuple(MessageReader in) {
        int count = in.readCount16("tuple column count");
        ColumnValue[] values = new ColumnValue[count];
        for (int i = 0; i < count; i++) {
            byte kind = in.readByte("tuple column kind");
            values[i] = switch (kind) {
                case 'n' -> ColumnValue.NULL;
                case 'u' -> ColumnValue.UNCHANGED_TOAST;
                case 't' -> new ColumnValue.Text(in.readText(in.readLength32("text value length", 1), "text value"));
                case 'b' -> new ColumnValue.Binary(in.readBytes(in.readLength32("binary value length", 1),
                        "binary value"));
                default -> throw in.malformed("unknown tuple column kind " + describe(kind) + " in column " + i);
            };
        }
        return new TupleData(List.of(values));
    }

    private static String namespace(String sent) {
        return sent.isEmpty() ? "pg_catalog" : sent;
    }

    private static String describe(byte b) {
        char c = (char) (b & 0xFF);
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("0x%02X", b & 0xFF);
    }
}
