package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.insert;
import static dev.pgcdc.sink.TestEvents.snapshotMarker;
import static dev.pgcdc.sink.TestEvents.snapshotRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A re-snapshot whose {@code snapshot_completed} markers reach the sink one partition at a time,
 * long before the other partitions' snapshot rows: the index must never lose a document of a row
 * the table has, and the rows the snapshot did not see go once the last partition completes.
 */
@ExtendWith(EnginesExtension.class)
@Timeout(180)
class SnapshotCompletionIT {

    private static final int PARTITIONS = 3;
    private static final int ROWS = 30;
    private static final long SNAPSHOT = 500;

    private final KafkaEndpoint kafka;
    private final ElasticsearchEndpoint elasticsearch;

    SnapshotCompletionIT(KafkaEndpoint kafka, ElasticsearchEndpoint elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    /** Row i lives in partition i % 3; rows 0, 5, 10, … were deleted while nothing captured changes. */
    private static boolean inTable(int row) {
        return row % 5 != 0;
    }

    @Test
    void shouldKeepEveryDocumentOfTheTableUntilTheLastPartitionCompletesTheSnapshot() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, PARTITIONS)) {
            String mirror = h.mirror("users");
            long[] sent = new long[PARTITIONS];
            for (int i = 0; i < ROWS; i++) {
                h.sendTo(i % PARTITIONS, insert("users", 100 + i, 0, i, "old" + i, "b"));
                sent[i % PARTITIONS]++;
            }
            h.flush();
            Set<String> table = new TreeSet<>();
            Set<String> all = new TreeSet<>();
            for (int i = 0; i < ROWS; i++) {
                all.add(Integer.toString(i));
                if (inTable(i)) {
                    table.add(Integer.toString(i));
                }
            }
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> h.count(mirror) == ROWS);
                for (int p = 0; p < PARTITIONS; p++) {
                    h.sendTo(p, snapshotMarker(Op.SNAPSHOT_STARTED, "users", SNAPSHOT));
                    sent[p]++;
                }
                h.flush();

                // Partition 0 delivers its snapshot rows and its marker; partitions 1 and 2 have not even
                // received theirs: their documents (older than the snapshot) are all the index has of those rows.
                for (int p = 0; p < PARTITIONS; p++) {
                    completeInPartition(h, p, sent);
                    Map<String, ObjectNode> documents = h.documents(mirror);
                    if (p < PARTITIONS - 1) {
                        assertThat(documents.keySet())
                                .as("after the marker of partition %d, before the others complete: nothing is removed", p)
                                .containsExactlyInAnyOrderElementsOf(all);
                        for (int i = 0; i < ROWS; i++) {
                            String expected = i % PARTITIONS <= p && inTable(i) ? "snap" + i : "old" + i;
                            assertThat(documents.get(Integer.toString(i)).get("name").asText()).as("row %d", i)
                                    .isEqualTo(expected);
                        }
                    } else {
                        assertThat(documents.keySet())
                                .as("once every partition completed: exactly the rows the snapshot saw")
                                .containsExactlyInAnyOrderElementsOf(table);
                        documents.forEach((id, doc) -> assertThat(doc.get("name").asText()).isEqualTo("snap" + id));
                    }
                }

                // Re-inserted after the snapshot: newer than its cut, and must survive a replay of the markers.
                h.sendTo(0, insert("users", 600, 0, 0, "reinserted", "r"));
                sent[0]++;
                h.flush();
                table.add("0");
                await().atMost(Duration.ofSeconds(30)).until(() -> h.documents(mirror).containsKey("0"));
            }
            Map<String, ObjectNode> before = h.documents(mirror);
            assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(table);
            String replay = "replay-" + h.group;
            try (SinkHarness.Running again = h.new Running(h.config(replay, ""))) {
                long total = sent[0] + sent[1] + sent[2];
                await().atMost(Duration.ofSeconds(60)).until(() -> h.committedTotal(replay) >= total);
            }
            assertThat(h.documents(mirror)).as("replaying the topic from offset 0 removes nothing that exists now")
                    .isEqualTo(before);
        }
    }

    /** Sends partition {@code p}'s snapshot rows and marker, and waits until the sink has committed the marker. */
    private static void completeInPartition(SinkHarness h, int p, long[] sent) {
        for (int i = p; i < ROWS; i += PARTITIONS) {
            if (inTable(i)) {
                h.sendTo(p, snapshotRead("users", SNAPSHOT, i, "snap" + i));
                sent[p]++;
            }
        }
        h.sendTo(p, snapshotMarker(Op.SNAPSHOT_COMPLETED, "users", SNAPSHOT));
        sent[p]++;
        h.flush();
        TopicPartition partition = new TopicPartition(h.topic, p);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            OffsetAndMetadata committed = h.committed(h.group).get(partition);
            return committed != null && committed.offset() >= sent[p];
        });
    }
}
