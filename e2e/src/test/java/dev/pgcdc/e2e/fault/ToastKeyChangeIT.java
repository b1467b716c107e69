package dev.pgcdc.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.devstack.PostgresEndpoint;
import dev.pgcdc.e2e.verify.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An UPDATE that changes a row's primary key and leaves its TOASTed column untouched. Found by
 * ReplicatorKillIT's randomised workload; reproduced here without any fault. pgoutput does not send
 * the unchanged value, and the {@code d} of the old key may sit in another partition than the
 * {@code c} of the new one, so the replicator fills the value into the {@code c} (read by the new key).
 */
@ExtendWith(EnginesExtension.class)
@Timeout(180)
class ToastKeyChangeIT {

    @Test
    void shouldKeepAnUnchangedToastValueWhenThePrimaryKeyChanges(PostgresEndpoint postgres, KafkaEndpoint kafka,
                                                                ElasticsearchEndpoint elasticsearch) throws Exception {
        Path dir = Pipeline.runDirectory("toastkey");
        Pipeline pipeline = new Pipeline(postgres, kafka, elasticsearch, dir, "toastkey");
        pipeline.writeConfig();
        try (DaemonProcess replicator = pipeline.startReplicator(); DaemonProcess sink = pipeline.startSink()) {
            // 20 kB of md5 text compresses poorly enough to be stored out of line.
            postgres.execute(pipeline.database, "INSERT INTO wl_accounts (id, owner, big) SELECT 1, 'a',"
                    + " string_agg(md5(g::text), '') FROM generate_series(1, 640) g");
            assertThat(pipeline.differences(pipeline.awaitConsistent(Duration.ofSeconds(60)))).isZero();
            postgres.execute(pipeline.database, "UPDATE wl_accounts SET id = 2 WHERE id = 1");
            List<VerifyReport> reports = pipeline.awaitConsistent(Duration.ofSeconds(30));
            assertThat(pipeline.differences(reports)).as("differences after the key change:%n%s",
                    Pipeline.summaries(reports)).isZero();
        }
    }
}
