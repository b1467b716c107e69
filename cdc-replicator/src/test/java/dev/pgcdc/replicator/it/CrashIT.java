package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** kill -9 of the replicator process under continuous writes, several times; nothing committed is lost. */
@Timeout(240)
class CrashIT {

    @Test
    void shouldLoseNoCommittedChangeWhenKilledRepeatedlyUnderWrites() throws Exception {
        try (Scenario scenario = new Scenario("crash")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)");
            Path config = scenario.writeConfig();
            Path log = scenario.directory.resolve("replicator.log");
            Random random = new Random(7);
            ReplicatorProcess process = ReplicatorProcess.start(config, "256m", log);
            int walsender = scenario.awaitStreaming(0);
            Map<Integer, Integer> expected;
            int kills = 5;
            java.util.List<Long> killTimes = new java.util.ArrayList<>();
            try (Writer writer = new Writer(scenario)) {
                for (int i = 0; i < kills; i++) {
                    Thread.sleep(300 + random.nextInt(2_000));
                    process.kill9();
                    killTimes.add(System.currentTimeMillis());
                    Thread.sleep(random.nextInt(1_000));
                    process = ReplicatorProcess.start(config, "256m", log);
                    walsender = scenario.awaitStreaming(walsender);
                }
                Thread.sleep(2_000);
                expected = writer.stopAndRead();
                System.out.printf("crash test: %d write transactions, %d rows%n", writer.transactions.get(),
                        expected.size());
            }
            try {
                Replay replay = awaitReplay(scenario, expected, Duration.ofSeconds(60));
                System.out.printf("crash test: %d kill -9, %d events in Kafka, %d duplicates%n", kills, replay.events(),
                        replay.duplicates());
                for (long kill : killTimes) {
                    long window = scenario.records(0, Duration.ofSeconds(3)).stream()
                            .filter(r -> r.timestamp() > kill - 500 && r.timestamp() <= kill).count();
                    System.out.printf("crash test: %d records produced in the 500 ms before a kill%n", window);
                }
                assertThat(Replay.differences(replay.rows(), expected)).as("rows whose last value in Kafka differs from"
                        + " the database (of " + expected.size() + ")").isEmpty();
                long started = System.nanoTime();
                int code = process.terminate(10_000);
                System.out.printf("crash test: SIGTERM exit code %d after %d ms%n", code,
                        (System.nanoTime() - started) / 1_000_000);
                assertThat(code).as("SIGTERM ends the replicator with 0 within 10 s").isZero();
            } finally {
                process.close();
            }
        }
    }

    static Replay awaitReplay(Scenario scenario, Map<Integer, Integer> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Replay replay;
        do {
            replay = Replay.of(scenario.events(0, Duration.ofSeconds(3)));
            if (replay.rows().equals(expected)) {
                return replay;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        return replay;
    }
}
