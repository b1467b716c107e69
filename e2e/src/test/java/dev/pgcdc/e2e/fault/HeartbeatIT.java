package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 6: a long stretch of writes only to a table outside the publication. The slot still advances
 * (heartbeats, 2 s here), so the WAL it retains ({@code pg_current_wal_lsn() - confirmed_flush_lsn})
 * stays bounded while far more WAL than that is written.
 */
@ExtendWith({EnginesExtension.class, FaultReport.class})
@Timeout(180)
class HeartbeatIT {

    static final long BOUND = 16L * 1024 * 1024;

    @Test
    void shouldKeepRetainedWalBoundedWhenOnlyUnpublishedTablesChange(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                    ElasticsearchEndpoint elasticsearch) throws Exception {
        Path dir = Pipeline.runDirectory("heartbeat");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "heartbeat");
        postgres.execute(pipeline.database, "CREATE TABLE outside (id bigserial PRIMARY KEY, pad text)");
        pipeline.writeConfig();
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink()) {
            postgres.execute(pipeline.database, "INSERT INTO wl_scratch (id, v) VALUES (1, 'published')");
            pipeline.awaitConsistent(Duration.ofSeconds(60));
            List<Long> retained = new ArrayList<>();
            long written = 0;
            for (int round = 0; round < 12; round++) {
                // About 5 MB of WAL per round.
                postgres.execute(pipeline.database, "INSERT INTO outside (pad) SELECT repeat(md5(g::text), 30)"
                        + " FROM generate_series(1, 4000) g");
                written += 5L * 1024 * 1024;
                Thread.sleep(1_500);
                retained.add(pipeline.slotInfo().retainedBytes());
            }
            Thread.sleep(6_000);
            long last = pipeline.slotInfo().retainedBytes();
            System.out.printf("HeartbeatIT retained WAL per round %s, after 6 s idle %d (about %d MB written)%n",
                    retained, last, written >> 20);
            List<VerifyReport> reports = pipeline.verify();
            FaultReport.add("6 writes outside the publication (~60 MB WAL)", 12, pipeline.scanTopic().distinct(),
                    pipeline.documentsVerified(reports), pipeline.differences(reports), pipeline.scanTopic().duplicates());
            assertThat(last).as("retained WAL (bytes) 6 s after %d MB were written outside the publication; per round %s",
                    written >> 20, retained).isLessThan(BOUND);
            assertThat(retained.subList(6, retained.size())).as("retained WAL during the second half of the writes")
                    .allMatch(r -> r < 3 * BOUND);
            assertThat(pipeline.differences(reports)).as(Pipeline.summaries(reports)).isZero();
        }
    }
}
