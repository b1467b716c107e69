package dev.pgcdc.replicator.pgoutput;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked big-endian reads over one message. Every read names the field it is reading so that
 * a short or malformed buffer fails with a {@link PgOutputFormatException} that says where and why,
 * instead of a BufferUnderflowException.
 */
final class MessageReader {

    private final ByteBuffer buffer;
    private final int start;
    private String messageName = "message";

    MessageReader(ByteBuffer source) {
        // A duplicate leaves the caller's position alone and starts out big-endian, the network order.
        this.buffer = source.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.start = buffer.position();
    }

    /** Names the message being read, for error texts. */
    void messageName(String name) {
        this.messageName = name;
    }

    boolean hasRemaining() {
        return buffer.hasRemaining();
    }

    byte readByte(String field) {
        require(1, field);
        return buffer.get();
    }

    short readInt16(String field) {
        require(2, field);
        return buffer.getShort();
    }

    int readInt32(String field) {
        require(4, field);
        return buffer.getInt();
    }

    long readInt64(String field) {
        require(8, field);
        return buffer.getLong();
    }

    /** Reads a count that the protocol sends as a signed Int16 and that may not be negative. */
    int readCount16(String field) {
        int count = readInt16(field);
        if (count < 0) {
            throw malformed("negative " + field + " " + count);
        }
        return count;
    }

    /** Reads an Int32 length or count that may not be negative nor claim more bytes than remain. */
    int readLength32(String field, int bytesPerUnit) {
        int length = readInt32(field);
        if (length < 0) {
            throw malformed("negative " + field + " " + length);
        }
        if ((long) length * bytesPerUnit > buffer.remaining()) {
            throw truncated((long) length * bytesPerUnit, field);
        }
        return length;
    }

    /** Reads a NUL-terminated string in UTF-8. */
    String readString(String field) {
        int from = buffer.position();
        int end = from;
        int limit = buffer.limit();
        while (end < limit && buffer.get(end) != 0) {
            end++;
        }
        if (end == limit) {
            throw new PgOutputFormatException("truncated pgoutput " + messageName + ": " + field
                    + " at offset " + (from - start) + " has no terminating NUL byte");
        }
        String value = utf8(from, end - from);
        buffer.position(end + 1);
        return value;
    }

    /** Reads {@code length} bytes as UTF-8 text straight from the buffer, without an intermediate copy. */
    String readText(int length, String field) {
        require(length, field);
        String value = utf8(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return value;
    }

    byte[] readBytes(int length, String field) {
        require(length, field);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    void expectEnd() {
        if (buffer.hasRemaining()) {
            throw malformed(buffer.remaining() + " unexpected bytes after the end of the message");
        }
    }

    PgOutputFormatException malformed(String problem) {
        return new PgOutputFormatException("malformed pgoutput " + messageName + " at offset "
                + (buffer.position() - start) + ": " + problem);
    }

    private void require(long bytes, String field) {
        if (buffer.remaining() < bytes) {
            throw truncated(bytes, field);
        }
    }

    private PgOutputFormatException truncated(long needed, String field) {
        return new PgOutputFormatException("truncated pgoutput " + messageName + ": " + field + " at offset "
                + (buffer.position() - start) + " needs " + needed + " bytes but " + buffer.remaining()
                + " remain");
    }

    private String utf8(int absolutePosition, int length) {
        if (buffer.hasArray()) {
            return new String(buffer.array(), buffer.arrayOffset() + absolutePosition, length,
                    StandardCharsets.UTF_8);
        }
        byte[] copy = new byte[length];
        buffer.get(absolutePosition, copy);
        return new String(copy, StandardCharsets.UTF_8);
    }
}
