package dev.pgcdc.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Recorded pgoutput messages: {@code lsn <TAB> xid <TAB> hex} lines, {@code #} comments (the format of
 * cdc-replicator/src/test/resources/pgoutput/*.tsv). {@code w1.tsv} ships with this module (W1's table);
 * the replicator's fixtures are read from the repository, since JMH runs from its root.
 */
final class Fixtures {

    private Fixtures() {
    }

    /** One message of a recording. */
    record Message(long lsn, byte[] bytes) {

        char tag() {
            return (char) bytes[0];
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes);
        }
    }

    static List<Message> w1() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/pgoutput/w1.tsv")) {
            if (in == null) {
                throw new IllegalStateException("pgoutput/w1.tsv is not on the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture of the replicator's tests, e.g. {@code dml.tsv}. */
    static List<Message> replicator(String name) {
        Path file = Path.of("cdc-replicator/src/test/resources/pgoutput", name);
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + " (run JMH from the repository root)", e);
        }
    }

    static Message first(List<Message> messages, char tag) {
        return messages.stream().filter(m -> m.tag() == tag).findFirst()
                .orElseThrow(() -> new IllegalStateException("no '" + tag + "' message in the fixture"));
    }

    private static List<Message> parse(String text) {
        List<Message> messages = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t");
            String[] lsn = columns[0].split("/");
            long value = (Long.parseLong(lsn[0], 16) << 32) | Long.parseLong(lsn[1], 16);
            messages.add(new Message(value, HexFormat.of().parseHex(columns[2].trim())));
        }
        return messages;
    }
}
