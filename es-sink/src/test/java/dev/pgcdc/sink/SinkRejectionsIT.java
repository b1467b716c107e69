package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.insert;
import static dev.pgcdc.sink.TestEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.devstack.ElasticsearchServer;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Elasticsearch with a write pool of one thread and a queue of one answers 429 to some shard
 * requests of nearly every bulk (each bulk here spans four indices). The workload is the one that
 * broke the sink: transactions that insert rows and then update each of them, so both changes of
 * a row share the commit LSN (the external version) and only their order protects the update.
 */
@ExtendWith(EnginesExtension.class)
@Timeout(300)
class SinkRejectionsIT {

    private static final List<String> TABLES = List.of("t0", "t1", "t2", "t3");
    private static final int TRANSACTIONS = 30;
    private static final int ROWS_PER_TRANSACTION = 200;

    @Test
    void shouldEndEveryDocumentAtItsLastChangeWhenElasticsearchAnswers429(KafkaEndpoint kafka) throws Exception {
        try (ElasticsearchServer tiny = ElasticsearchServer.builder().heap("384m")
                .setting("thread_pool.write.size", "1").setting("thread_pool.write.queue_size", "1").start();
             SinkHarness h = new SinkHarness(kafka, tiny, 3)) {
            int events = 0;
            for (int tx = 0; tx < TRANSACTIONS; tx++) {
                long commitLsn = 1_000_000L * (tx + 1);
                int sequence = 0;
                for (int row = 0; row < ROWS_PER_TRANSACTION; row++) {
                    int id = tx * ROWS_PER_TRANSACTION + row;
                    h.send(insert(table(id), commitLsn, sequence++, id, "inserted-" + id, "b"));
                    events++;
                }
                for (int row = 0; row < ROWS_PER_TRANSACTION; row++) {
                    int id = tx * ROWS_PER_TRANSACTION + row;
                    h.send(update(table(id), commitLsn, sequence++, id, "updated-" + id, "b"));
                    events++;
                }
            }
            h.flush();
            int total = events;
            try (SinkHarness.Running sink = h.start("  bulk_max_actions: 50\n")) {
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> h.committedTotal(h.group) == total);
            }
            long rejected = writeRejections(h);
            assertThat(rejected).as("write requests Elasticsearch rejected (429); without them this test proves nothing")
                    .isPositive();
            List<String> stale = new ArrayList<>();
            int documents = 0;
            for (String table : TABLES) {
                for (Map.Entry<String, ObjectNode> doc : h.documents(h.mirror(table)).entrySet()) {
                    documents++;
                    if (!doc.getValue().path("name").asText().equals("updated-" + doc.getKey())) {
                        stale.add(table + "/" + doc.getKey() + "=" + doc.getValue().path("name").asText());
                    }
                }
            }
            assertThat(documents).as("documents in the mirror indices").isEqualTo(TRANSACTIONS * ROWS_PER_TRANSACTION);
            assertThat(stale).as("documents left at their insert although the update of the same transaction was"
                    + " acknowledged (%d write rejections)", rejected).isEmpty();
        }
    }

    private static String table(int id) {
        return TABLES.get(id % TABLES.size());
    }

    private static long writeRejections(SinkHarness h) throws Exception {
        JsonNode stats = h.es.getJson("/_nodes/stats/thread_pool");
        long rejected = 0;
        for (JsonNode node : stats.path("nodes")) {
            rejected += node.path("thread_pool").path("write").path("rejected").asLong();
        }
        return rejected;
    }
}
