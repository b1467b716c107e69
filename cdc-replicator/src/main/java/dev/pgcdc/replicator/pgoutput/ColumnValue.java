package dev.pgcdc.replicator.pgoutput;

import java.util.Arrays;
import java.util.Objects;

/**
 * One column of a {@link TupleData}: SQL NULL, an unchanged TOASTed value whose content the server did
 * not send, a value in the type's text output form, or a value in the type's binary send form (only
 * when the subscriber asked for the {@code binary} option). See the TupleData section of
 * <a href="https://www.postgresql.org/docs/15/protocol-logicalrep-message-formats.html">the spec</a>.
 */
public sealed interface ColumnValue
        permits ColumnValue.Null, ColumnValue.UnchangedToast, ColumnValue.Text, ColumnValue.Binary {

    /** Shared instance; the decoder never allocates another. */
    Null NULL = new Null();

    /** Shared instance; the decoder never allocates another. */
    UnchangedToast UNCHANGED_TOAST = new UnchangedToast();

    /** Kind 'n'. */
    record Null() implements ColumnValue {
    }

    /** Kind 'u': the value is stored out of line and did not change, so the server omitted it. */
    record UnchangedToast() implements ColumnValue {
    }

    /** Kind 't': the type's text output, decoded as UTF-8 (pgjdbc always sets client_encoding UTF8). */
    record Text(String value) implements ColumnValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Kind 'b': the type's binary send form; the array is copied in and out. */
    record Binary(byte[] bytes) implements ColumnValue {
        public Binary {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary binary && Arrays.equals(bytes, binary.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }
}
