package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.delete;
import static dev.pgcdc.sink.TestEvents.insert;
import static dev.pgcdc.sink.TestEvents.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.index.IndexNames;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class WriteTaskTest {

    private final IndexNames names = new IndexNames(
            new ElasticsearchConfig(List.of("http://localhost:9200"), null, null, null, "cdc_", null, null),
            SinkConfig.defaults());
    private final EventMapper mapper = new EventMapper(names, "_cdc", false);
    private long offset;

    @Test
    void shouldSendOnlyTheLastWriteOfADocumentWhenTwoChangesOfOneTransactionShareAVersion() {
        Pending inserted = pending(0, insert("users", 5000, 1, 7, "old", "b"));
        Pending other = pending(0, insert("users", 5000, 2, 8, "other", "b"));
        Pending updated = pending(0, update("users", 5000, 3, 7, "new", "b"));

        List<WriteTask> tasks = WriteTask.coalesce(List.of(inserted, other, updated));

        assertThat(tasks).extracting(WriteTask::owner).as("one write per document, each its last")
                .containsExactly(other, updated);
        WriteTask seven = tasks.get(1);
        assertThat(seven.write()).isSameAs(updated.plan().writes().get(0));
        assertThat(seven.superseded()).extracting(WriteTask::owner).containsExactly(inserted);
        assertThat(seven.replaced().write()).isSameAs(inserted.plan().writes().get(0));
        assertThat(tasks.get(0).superseded()).isEmpty();
    }

    @Test
    void shouldChainEveryReplacedWriteNewestFirst() {
        Pending first = pending(1, insert("users", 100, 0, 7, "a", "b"));
        Pending second = pending(1, update("users", 200, 0, 7, "b", "b"));
        Pending third = pending(1, update("users", 300, 0, 7, "c", "b"));

        List<WriteTask> tasks = WriteTask.coalesce(List.of(first, second, third));

        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).owner()).isSameAs(third);
        assertThat(tasks.get(0).superseded()).extracting(WriteTask::owner).containsExactly(second, first);
        assertThat(tasks.get(0).replaced().superseded()).extracting(WriteTask::owner).containsExactly(first);
    }

    @Test
    void shouldSendTheNewestVersionWhenOlderChangesArriveAfterIt() {
        Pending newest = pending(0, update("users", 3000, 0, 1, "newest", "n"));
        Pending older = pending(0, update("users", 2000, 0, 1, "older", "o"));
        Pending oldest = pending(0, insert("users", 1000, 0, 1, "oldest", "o"));

        List<WriteTask> tasks = WriteTask.coalesce(List.of(newest, older, oldest));

        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).owner()).as("Elasticsearch would refuse the older versions (409) anyway").isSameAs(newest);
        assertThat(tasks.get(0).superseded()).extracting(WriteTask::owner).as("fallbacks, best first")
                .containsExactly(older, oldest);
    }

    @Test
    void shouldSendTheLastCopyOfAChangeDeliveredTwice() {
        Pending first = pending(0, update("users", 3000, 4, 1, "x", "n"));
        Pending again = pending(0, update("users", 3000, 4, 1, "x", "n"));

        List<WriteTask> tasks = WriteTask.coalesce(List.of(first, again));

        assertThat(tasks).extracting(WriteTask::owner).containsExactly(again);
        assertThat(tasks.get(0).superseded()).extracting(WriteTask::owner).containsExactly(first);
    }

    @Test
    void shouldKeepWritesOfTheSameDocumentFromDifferentPartitions() {
        Pending here = pending(0, insert("users", 100, 0, 7, "a", "b"));
        Pending there = pending(2, update("users", 200, 0, 7, "b", "b"));

        List<WriteTask> tasks = WriteTask.coalesce(List.of(here, there));

        assertThat(tasks).extracting(WriteTask::owner).as("across partitions the versions decide, not the order")
                .containsExactly(here, there);
        assertThat(tasks).allSatisfy(t -> assertThat(t.replaced()).isNull());
    }

    @Test
    void shouldLetADeleteReplaceTheInsertBeforeItButKeepItsTombstone() {
        Pending inserted = pending(0, insert("users", 100, 0, 7, "a", "b"));
        Pending deleted = pending(0, delete("users", 200, 0, 7));

        List<WriteTask> tasks = WriteTask.coalesce(List.of(inserted, deleted));

        assertThat(tasks).extracting(t -> t.write().getClass().getSimpleName()).containsExactly("VersionedDelete",
                "VersionedIndex");
        assertThat(tasks.get(0).superseded()).extracting(WriteTask::owner).containsExactly(inserted);
        assertThat(tasks.get(1).write().index()).isEqualTo(names.tombstones());
        assertThat(tasks.get(1).replaced()).isNull();
    }

    @Test
    void shouldOrderTasksByTheirDocumentsLastWrite() {
        Pending a = pending(0, insert("users", 100, 0, 1, "a", "b"));
        Pending b = pending(0, insert("users", 100, 1, 2, "b", "b"));
        Pending aAgain = pending(0, update("users", 100, 2, 1, "a2", "b"));
        Pending c = pending(0, insert("users", 100, 3, 3, "c", "b"));

        assertThat(WriteTask.coalesce(List.of(a, b, aAgain, c))).extracting(WriteTask::owner)
                .containsExactly(b, aAgain, c);
    }

    private Pending pending(int partition, ChangeEvent event) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("topic", partition, offset++,
                ChangeEventCodec.encodeKey(event), ChangeEventCodec.encode(event));
        return new Pending(record, mapper.plan(event), null);
    }
}
