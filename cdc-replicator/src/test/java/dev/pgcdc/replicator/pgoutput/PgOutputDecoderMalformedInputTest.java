package dev.pgcdc.replicator.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Truncated, corrupted and unknown input must fail with PgOutputFormatException and nothing else. */
class PgOutputDecoderMalformedInputTest {

    private final List<RecordedMessage> recorded = Stream.of("dml.tsv", "types.tsv", "types-binary.tsv")
            .flatMap(name -> RecordedMessage.load(name).stream())
            .toList();

    @Test
    void everyTruncationOfEveryRecordedMessageFailsWithAFormatException() {
        int cases = 0;
        for (RecordedMessage message : recorded) {
            byte[] bytes = message.bytes();
            for (int length = 0; length < bytes.length; length++) {
                ByteBuffer truncated = ByteBuffer.wrap(bytes, 0, length);
                assertThatThrownBy(() -> PgOutputDecoder.decode(truncated))
                        .as("message %s cut to %d of %d bytes", (char) bytes[0], length, bytes.length)
                        .isInstanceOf(PgOutputFormatException.class);
                cases++;
            }
        }
        assertThat(cases).isGreaterThan(10_000);
    }

    @Test
    void randomlyCorruptedMessagesEitherDecodeOrFailWithAFormatException() {
        Random random = new Random(20240229L);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = recorded.get(random.nextInt(recorded.size())).bytes().clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                PgOutputDecoder.decode(ByteBuffer.wrap(bytes));
            } catch (PgOutputFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void emptyBufferIsRejected() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.allocate(0)))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void unknownTagIsRejectedAndNamed() {
        // 'S' is Stream Start, a protocol version 2 message.
        assertThatThrownBy(() -> PgOutputDecoder.decode(MessageBytes.tag('S').int32(1).int8(1).buffer()))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("unknown pgoutput message tag 'S' (0x53)");
        assertThatThrownBy(() -> PgOutputDecoder.decode(MessageBytes.tag('\0').buffer()))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("(0x00)");
    }

    @Test
    void bytesAfterTheEndOfAMessageAreRejected() {
        byte[] commit = recorded.stream().filter(m -> m.bytes()[0] == 'C').findFirst().orElseThrow().bytes();
        byte[] padded = Arrays.copyOf(commit, commit.length + 1);

        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.wrap(padded)))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("1 unexpected bytes after the end of the message");
    }

    @Test
    void unknownTupleColumnKindIsRejected() {
        ByteBuffer insert = MessageBytes.tag('I').int32(16384).int8('N').int16(1).int8('x').buffer();

        assertThatThrownBy(() -> PgOutputDecoder.decode(insert))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("unknown tuple column kind 'x' in column 0");
    }

    @Test
    void negativeOrOversizedValueLengthIsRejectedWithoutAllocatingIt() {
        ByteBuffer negative = MessageBytes.tag('I').int32(16384).int8('N').int16(1).int8('t').int32(-1).buffer();
        ByteBuffer oversized = MessageBytes.tag('I').int32(16384).int8('N').int16(1).int8('b')
                .int32(Integer.MAX_VALUE).int8(0).buffer();

        assertThatThrownBy(() -> PgOutputDecoder.decode(negative))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("negative text value length -1");
        assertThatThrownBy(() -> PgOutputDecoder.decode(oversized))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("needs 2147483647 bytes but 1 remain");
    }

    @Test
    void negativeColumnCountIsRejected() {
        ByteBuffer insert = MessageBytes.tag('I').int32(16384).int8('N').int16(-2).buffer();

        assertThatThrownBy(() -> PgOutputDecoder.decode(insert))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("negative tuple column count -2");
    }

    @Test
    void missingTupleMarkersAreRejected() {
        ByteBuffer insert = MessageBytes.tag('I').int32(16384).int8('K').int16(0).buffer();
        ByteBuffer update = MessageBytes.tag('U').int32(16384).int8('K').int16(0).int8('O').int16(0).buffer();
        ByteBuffer delete = MessageBytes.tag('D').int32(16384).int8('N').int16(0).buffer();

        assertThatThrownBy(() -> PgOutputDecoder.decode(insert))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("expected new tuple marker 'N' but found 'K'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(update))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("expected new tuple marker 'N' but found 'O'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(delete))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("expected old tuple marker 'K' or 'O' but found 'N'");
    }

    @Test
    void unknownReplicaIdentityIsRejected() {
        ByteBuffer relation = MessageBytes.tag('R').int32(16384).string("public").string("t").int8('z').int16(0)
                .buffer();

        assertThatThrownBy(() -> PgOutputDecoder.decode(relation))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("unknown replica identity 'z'");
    }

    @Test
    void stringWithoutTerminatingNulIsRejected() {
        ByteBuffer origin = ByteBuffer.wrap(Arrays.copyOf(
                MessageBytes.tag('O').int64(1).string("upstream").buffer().array(), 1 + 8 + "upstream".length()));

        assertThatThrownBy(() -> PgOutputDecoder.decode(origin))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("Origin: origin name at offset 9 has no terminating NUL byte");
    }

    @Test
    void truncateWithMoreRelationsThanBytesIsRejectedBeforeAllocating() {
        ByteBuffer truncate = MessageBytes.tag('T').int32(Integer.MAX_VALUE).int8(0).int32(16384).buffer();

        assertThatThrownBy(() -> PgOutputDecoder.decode(truncate))
                .isInstanceOf(PgOutputFormatException.class)
                .hasMessageContaining("Truncate: relation count");
    }
}
