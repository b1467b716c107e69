package dev.pgcdc.replicator.pgoutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds hand-made pgoutput messages, big-endian, for cases no server would send. */
final class MessageBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static MessageBytes tag(char tag) {
        return new MessageBytes().int8(tag);
    }

    MessageBytes int8(int value) {
        out.write(value);
        return this;
    }

    MessageBytes int16(int value) {
        return int8(value >>> 8).int8(value);
    }

    MessageBytes int32(int value) {
        return int16(value >>> 16).int16(value);
    }

    MessageBytes int64(long value) {
        return int32((int) (value >>> 32)).int32((int) value);
    }

    MessageBytes string(String value) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        return int8(0);
    }

    MessageBytes text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int8('t').int32(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(out.toByteArray());
    }
}
