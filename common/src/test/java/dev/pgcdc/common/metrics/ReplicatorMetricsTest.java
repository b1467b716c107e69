package dev.pgcdc.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Op;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplicatorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ReplicatorMetrics metrics = new ReplicatorMetrics(registry, Clock.systemUTC());

    @Test
    void countsAcknowledgedEventsByTableAndOperationAndTimesTheSends() {
        TableId users = new TableId("public", "users");
        TableId orders = new TableId("shop", "orders");

        metrics.sent(users, Op.CREATE, 2_000_000);
        metrics.sent(new TableId("public", "users"), Op.CREATE, 4_000_000);
        metrics.sent(users, Op.DELETE, 1_000_000);
        metrics.sent(orders, Op.CREATE, -1);

        assertThat(events("public.users", "create")).isEqualTo(2);
        assertThat(events("public.users", "delete")).isEqualTo(1);
        assertThat(events("shop.orders", "create")).isEqualTo(1);
        assertThat(registry.find("pgcdc.replicator.events").tags("op", "update").counter())
                .as("no counter before the first update").isNull();
        var sends = registry.get("pgcdc.replicator.kafka.send").timer();
        assertThat(sends.count()).as("a negative send time is not recorded").isEqualTo(3);
        assertThat(sends.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
    }

    private double events(String table, String op) {
        return registry.get("pgcdc.replicator.events").tags("table", table, "op", op).counter().count();
    }
}
