package dev.pgcdc.replicator.pgoutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * One row of a fixture recorded by src/test/resources/pgoutput/record-fixtures.sh: the LSN and xid the
 * server reported next to the message in pg_logical_slot_peek_binary_changes, and the message bytes.
 */
public record RecordedMessage(long lsn, long xid, byte[] bytes) {

    public PgOutputMessage decode() {
        return PgOutputDecoder.decode(ByteBuffer.wrap(bytes));
    }

    /** Loads {@code /pgoutput/<name>} from the test class path, skipping '#' comment lines. */
    public static List<RecordedMessage> load(String name) {
        return lines(name).stream()
                .map(line -> line.split("\t"))
                .map(f -> new RecordedMessage(parseLsn(f[0]), Long.parseLong(f[1]), HexFormat.of().parseHex(f[2])))
                .toList();
    }

    /** Returns the non-comment, non-blank lines of a resource in {@code /pgoutput/}. */
    public static List<String> lines(String name) {
        try (InputStream in = RecordedMessage.class.getResourceAsStream("/pgoutput/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture /pgoutput/" + name + " on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses PostgreSQL's {@code 16/3002D50} LSN form. */
    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
