package dev.pgcdc.replicator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.Op;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class StreamingIT {

    @Test
    void shouldStreamInsertsUpdatesAndDeletesOfSeveralTablesInCommitOrder() throws Exception {
        try (Scenario scenario = new Scenario("ops").tables("[public.items, public.orders]")) {
            scenario.sql("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2))",
                    "CREATE TABLE orders (order_no bigint, line int, item int, PRIMARY KEY (line, order_no))");
            scenario.start();
            scenario.awaitStreaming();
            scenario.sql("INSERT INTO items VALUES (1, 'apple', 1.50), (2, 'pear', 2.00)",
                    "BEGIN; INSERT INTO orders VALUES (100, 1, 1); UPDATE items SET price = 1.75 WHERE id = 1; COMMIT",
                    "DELETE FROM items WHERE id = 2");

            List<ChangeEvent> events = scenario.events(5, Duration.ofSeconds(30));
            assertThat(events).extracting(e -> e.op().code() + " " + e.source().table() + " " + e.key())
                    .containsExactly(
                            "c items {\"id\":1}",
                            "c items {\"id\":2}",
                            "c orders {\"line\":1,\"order_no\":100}",
                            "u items {\"id\":1}",
                            "d items {\"id\":2}");
            assertThat(Scenario.json(events.get(3).after())).isEqualTo("{\"id\":1,\"name\":\"apple\",\"price\":1.75}");
            assertThat(events.get(3).before()).as("REPLICA IDENTITY DEFAULT sends no old row").isNull();
            assertThat(Scenario.json(events.get(4).before())).isEqualTo("{\"id\":2}");
            assertThat(events.get(2).source().txId()).isEqualTo(events.get(3).source().txId());
            assertThat(events.get(3).source().sequence()).isEqualTo(1);
            assertThat(scenario.stop()).as("exit code after a requested stop").isZero();
        }
    }
}
