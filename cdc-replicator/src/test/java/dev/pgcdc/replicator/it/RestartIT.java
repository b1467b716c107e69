package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.devstack.PostgresServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class RestartIT {

    @Test
    void shouldDeliverEveryRowOnceAcrossACleanRestart() throws Exception {
        try (Scenario scenario = new Scenario("restart")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items SELECT g, g FROM generate_series(1, 100) g");
            scenario.sql("INSERT INTO items SELECT g, g FROM generate_series(101, 150) g");
            assertThat(scenario.events(150, Duration.ofSeconds(30))).hasSize(150);
            assertThat(scenario.stop()).isZero();

            scenario.sql("INSERT INTO items SELECT g, g FROM generate_series(151, 300) g",
                    "UPDATE items SET val = -id WHERE id <= 10");
            scenario.start();
            scenario.awaitStreaming();
            List<ChangeEvent> events = scenario.events(310, Duration.ofSeconds(30));
            Thread.sleep(1_000);
            events = scenario.events(310, Duration.ofSeconds(5));
            Replay replay = Replay.of(events);
            assertThat(replay.events()).as("every row once, nothing re-sent after a clean stop").isEqualTo(310);
            assertThat(replay.duplicates()).isZero();
            assertThat(replay.rows()).hasSize(300).containsEntry(5, -5).containsEntry(300, 300);
            assertThat(scenario.stop()).isZero();
        }
    }

    @Test
    void shouldReconnectAndLoseNothingWhenPostgresRestartsWhileStreaming() throws Exception {
        try (Scenario scenario = new Scenario("pgrestart")) {
            PostgresServer postgres = scenario.postgres;
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, val int)");
            scenario.start();
            scenario.awaitStreaming();
            Map<Integer, Integer> expected;
            try (Writer writer = new Writer(scenario)) {
                Thread.sleep(1_500);
                try {
                    postgres.stop(PostgresServer.Mode.FAST);
                    Thread.sleep(2_000);
                } finally {
                    postgres.start();
                }
                Thread.sleep(1_500);
                try {
                    postgres.stop(PostgresServer.Mode.IMMEDIATE);
                    Thread.sleep(1_000);
                } finally {
                    postgres.start();
                }
                scenario.awaitStreaming();
                Thread.sleep(1_500);
                expected = writer.stopAndRead();
            }
            Replay replay = CrashIT.awaitReplay(scenario, expected, Duration.ofSeconds(60));
            System.out.printf("postgres restart test: %d rows, %d events, %d duplicates%n", expected.size(),
                    replay.events(), replay.duplicates());
            assertThat(Replay.differences(replay.rows(), expected)).as("rows lost or stale after PostgreSQL restarts")
                    .isEmpty();
            assertThat(scenario.isRunning()).as("the replicator reconnected instead of exiting").isTrue();
        }
    }

    static Map<Integer, Long> countById(List<ChangeEvent> events) {
        return events.stream().collect(Collectors.groupingBy(e -> e.key().get("id").asInt(), Collectors.counting()));
    }
}
