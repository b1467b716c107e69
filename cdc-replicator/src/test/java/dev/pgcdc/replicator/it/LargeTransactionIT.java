package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One transaction of 1,000,000 rows through the shaded jar with a 256 MB heap: nothing is buffered whole. */
@Timeout(300)
class LargeTransactionIT {

    private static final int ROWS = 1_000_000;

    @Test
    void shouldStreamAMillionRowTransactionWithABoundedHeap() throws Exception {
        try (Scenario scenario = new Scenario("large")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int, note text)");
            Path config = scenario.writeConfig();
            Path log = scenario.directory.resolve("replicator.log");
            try (ReplicatorProcess process = ReplicatorProcess.start(config, "256m", log)) {
                scenario.awaitStreaming();
                long before = recordCount(scenario); // the (empty) snapshot's markers
                long started = System.nanoTime();
                scenario.sql("INSERT INTO items SELECT g, g, 'row number ' || g FROM generate_series(1, " + ROWS + ") g");
                long committed = System.nanoTime();
                long count = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                while (count < ROWS && System.nanoTime() < deadline && process.isAlive()) {
                    Thread.sleep(1_000);
                    count = recordCount(scenario) - before;
                }
                long done = System.nanoTime();
                System.out.printf("large transaction: %d rows committed in %d ms, in Kafka %d ms after the commit"
                                + " (%.0f events/s)%n", ROWS, (committed - started) / 1_000_000,
                        (done - committed) / 1_000_000, count / ((done - committed) / 1e9));
                assertThat(process.isAlive()).as("the replicator survived with -Xmx256m; log: "
                        + tail(log)).isTrue();
                assertThat(count).as("records in Kafka").isEqualTo(ROWS);
                awaitConfirmed(scenario);
                assertThat(process.terminate(10_000)).isZero();
            }
        }
    }

    private static long recordCount(Scenario scenario) {
        try (KafkaConsumer<byte[], byte[]> consumer = scenario.consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(scenario.topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return end.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The slot's confirmed position reaches the server's WAL position of the commit. */
    private static void awaitConfirmed(Scenario scenario) throws Exception {
        String target;
        try (Connection connection = scenario.connect(); var rs = connection.createStatement()
                .executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = scenario.connect(); var rs = connection.createStatement().executeQuery(
                    "SELECT confirmed_flush_lsn >= '" + target + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '"
                            + scenario.slot + "'")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the slot was not confirmed past " + target + " within 30 s");
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
