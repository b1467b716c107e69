package dev.pgcdc.sink.index;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Source;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the mirror document of a full-row write (the row's columns, JSON columns wrapped as
 * {@link JsonColumns} says, then the metadata object) with one long-lived streaming generator into one
 * reusable buffer. The bytes are those of the tree it replaced (a copy of {@code after} wrapped in place,
 * the metadata object set on it, written by the mapper) without copying the row or building the
 * metadata object; EventMapperTest compares them with that tree's.
 *
 * <p>Not thread-safe: {@link EventMapper} keeps one per thread.
 */
final class DocumentWriter {

    private static final SerializedString OP = new SerializedString("op");
    private static final SerializedString LSN = new SerializedString("lsn");
    private static final SerializedString COMMIT_LSN = new SerializedString("commit_lsn");
    private static final SerializedString SEQUENCE = new SerializedString("sequence");
    private static final SerializedString COMMIT_TIME = new SerializedString("commit_time");
    private static final SerializedString TX_ID = new SerializedString("tx_id");
    private static final SerializedString SNAPSHOT = new SerializedString("snapshot");
    private static final SerializedString WRAPPER = new SerializedString(JsonColumns.WRAPPER);

    /** Enough for the table shapes of any one database; past it the cache starts over. */
    private static final int MAX_CACHED_SHAPES = 1024;

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(2048);
    private final Map<List<Column>, Map<String, Integer>> wrapCounts = new HashMap<>();
    private JsonGenerator generator;
    private List<Column> lastColumns;
    private Map<String, Integer> lastWrapCounts;

    /**
     * The document of an event with a row ({@code after} not null). A column named {@code metadataField}
     * is replaced, in its place, by the metadata object, as setting it on the tree did.
     */
    byte[] document(ChangeEvent event, String metadataField) {
        try {
            JsonGenerator g = generator();
            Map<String, Integer> wrap = wrapCounts(event.columns());
            boolean metadataWritten = false;
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> member : event.after().properties()) {
                String name = member.getKey();
                g.writeFieldName(name);
                if (name.equals(metadataField)) {
                    writeMetadata(g, event);
                    metadataWritten = true;
                } else {
                    writeColumn(g, member.getValue(), wrap.isEmpty() ? 0 : wrap.getOrDefault(name, 0));
                }
            }
            if (!metadataWritten) {
                g.writeFieldName(metadataField);
                writeMetadata(g, event);
            }
            g.writeEndObject();
            g.flush();
            byte[] bytes = buffer.toByteArray();
            buffer.reset();
            return bytes;
        } catch (IOException e) {
            discard();
            throw new IllegalStateException("a JSON tree always serialises", e);
        } catch (RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** {@code wraps}: how many times {@link JsonColumns#wrapInPlace} wraps the column (0: not a JSON column). */
    private static void writeColumn(JsonGenerator g, JsonNode value, int wraps) throws IOException {
        // A wrapping needs wrapping again (it looks wrapped), so a value that needs it is wrapped every time.
        int levels = wraps > 0 && JsonColumns.needsWrapping(value) ? wraps : 0;
        for (int i = 0; i < levels; i++) {
            g.writeStartObject();
            g.writeFieldName(WRAPPER);
        }
        ChangeEventCodec.writeTree(g, value);
        for (int i = 0; i < levels; i++) {
            g.writeEndObject();
        }
    }

    /** The members of {@link EventMapper}'s metadata object, in its order. */
    private static void writeMetadata(JsonGenerator g, ChangeEvent event) throws IOException {
        Source source = event.source();
        g.writeStartObject();
        g.writeFieldName(OP);
        g.writeString(event.op().code());
        g.writeFieldName(LSN);
        g.writeNumber(source.lsn());
        g.writeFieldName(COMMIT_LSN);
        g.writeNumber(source.commitLsn());
        g.writeFieldName(SEQUENCE);
        g.writeNumber(source.sequence());
        g.writeFieldName(COMMIT_TIME);
        g.writeNumber(source.tsMs());
        if (source.txId() != null) {
            g.writeFieldName(TX_ID);
            g.writeNumber(source.txId().longValue());
        }
        g.writeFieldName(SNAPSHOT);
        g.writeString(source.snapshot().text());
        g.writeEndObject();
    }

    private Map<String, Integer> wrapCounts(List<Column> columns) {
        // Decoded events of a table usually share one columns list (ChangeEventCodec.decode).
        if (columns == lastColumns) {
            return lastWrapCounts;
        }
        Map<String, Integer> counts = wrapCounts.get(columns);
        if (counts == null) {
            if (wrapCounts.size() >= MAX_CACHED_SHAPES) {
                wrapCounts.clear();
            }
            counts = Map.copyOf(JsonColumns.wrapCounts(columns));
            wrapCounts.put(columns, counts);
        }
        lastColumns = columns;
        lastWrapCounts = counts;
        return counts;
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            // Through the mapper, so the generator has its features (plain BigDecimals, UTF-8 surrogates).
            generator = ChangeEventCodec.MAPPER.createGenerator(buffer);
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /** After a failed write the generator's state is unknown: the next call starts a new one. */
    private void discard() {
        generator = null;
        buffer.reset();
    }
}
