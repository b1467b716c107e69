package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.event.ChangeEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator as a role with nothing but LOGIN REPLICATION and SELECT on its tables, the publication
 * made beforehand by the tables' owner: the set-up the README's "Least-privilege setup" prescribes.
 */
@Timeout(120)
class LeastPrivilegeIT {

    private static final String PASSWORD = "least-privilege";

    /** Creates a role with only LOGIN REPLICATION, allowed to read {@code items}; returns its name. */
    private static String minimalRole(Scenario scenario) throws Exception {
        String role = ("cdc_" + scenario.database).toLowerCase();
        scenario.sql("CREATE ROLE " + role + " WITH LOGIN REPLICATION PASSWORD '" + PASSWORD + "'",
                "GRANT CONNECT ON DATABASE " + scenario.database + " TO " + role,
                "GRANT USAGE ON SCHEMA public TO " + role,
                "GRANT SELECT ON public.items TO " + role);
        return role;
    }

    @Test
    void shouldSnapshotAndStreamWithOnlyReplicationAndSelect() throws Exception {
        try (Scenario scenario = new Scenario("leastpriv")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text)",
                    "INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 3) g",
                    "CREATE PUBLICATION " + scenario.publication + " FOR TABLE public.items");
            scenario.login(minimalRole(scenario), PASSWORD);
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (4, 'streamed')", "UPDATE items SET name = 'changed' WHERE id = 2",
                    "DELETE FROM items WHERE id = 3");

            List<ChangeEvent> events = scenario.events(6, Duration.ofSeconds(30));
            // Rows spread over the topic's partitions: only each row's own changes are ordered.
            java.util.Map<String, List<String>> opsByKey = new java.util.TreeMap<>();
            events.forEach(e -> opsByKey.computeIfAbsent(e.key().toString(), k -> new java.util.ArrayList<>())
                    .add(e.op().code()));
            assertThat(opsByKey).as("each row's events in order").containsExactlyEntriesOf(new java.util.TreeMap<>(
                    java.util.Map.of("{\"id\":1}", List.of("r"), "{\"id\":2}", List.of("r", "u"),
                            "{\"id\":3}", List.of("r", "d"), "{\"id\":4}", List.of("c"))));
            assertThat(scenario.isRunning()).as("still streaming").isTrue();
            assertThat(scenario.stop()).as("exit code after a requested stop").isZero();
        }
    }

    @Test
    void shouldNameTheSqlTheOwnerMustRunWhenThePublicationIsMissing(@TempDir Path dir) throws Exception {
        try (Scenario scenario = new Scenario("leastpub")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text)");
            scenario.login(minimalRole(scenario), PASSWORD);
            try (ReplicatorProcess process = ReplicatorProcess.start(scenario.writeConfig(), "256m",
                    dir.resolve("replicator.log"))) {
                int code = process.awaitExit(30_000);
                String output = process.output();
                assertThat(code).as("exit code (-1: still running after 30 s); output:\n" + output).isEqualTo(1);
                assertThat(output).contains("publication '" + scenario.publication + "' does not exist")
                        .contains("as the owner of the tables, run: CREATE PUBLICATION \"" + scenario.publication
                                + "\" FOR TABLE \"public\".\"items\";")
                        .doesNotContain(PASSWORD);
            }
        }
    }
}
