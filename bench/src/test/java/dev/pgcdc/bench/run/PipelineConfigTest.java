package dev.pgcdc.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

    @Test
    void writesAFileBothDaemonsAccept(@TempDir Path dir) {
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("name", "public.pgbench_history");
        history.put("key_columns", List.of("tid", "aid"));
        Path file = new PipelineConfig()
                .set("postgres", "host", "127.0.0.1")
                .set("postgres", "port", 5433)
                .set("postgres", "user", "postgres")
                .set("postgres", "password", "it's")
                .set("postgres", "dbname", "bench_w4")
                .set("postgres", "slot_name", "w4_1")
                .set("postgres", "publication_name", "bench_w4_pub")
                .set("postgres", "tables", List.of("public.pgbench_accounts", history))
                .set("kafka", "brokers", List.of("127.0.0.1:9092"))
                .set("kafka", "topic", "w4_1")
                .set("kafka", "groupID", "w4_1")
                .set("elasticsearch", "addresses", List.of("http://127.0.0.1:9200"))
                .set("elasticsearch", "indexPrefix", "w4_1_")
                .set("replicator", "position_path", dir.resolve("position").toString())
                .set("logging", "sqlite_path", dir.resolve("cdc.db").toString())
                .write(dir.resolve("config.yaml"));
        PgcdcConfig replicator = ConfigLoader.load(file, Daemon.REPLICATOR);
        assertThat(replicator.postgres().password().reveal()).isEqualTo("it's");
        assertThat(replicator.postgres().port()).isEqualTo(5433);
        assertThat(replicator.postgres().tables().get(1).keyColumns()).containsExactly("tid", "aid");
        assertThat(replicator.kafka().groupId()).isEqualTo("w4_1");
        PgcdcConfig sink = ConfigLoader.load(file, Daemon.SINK);
        assertThat(sink.elasticsearch().indexPrefix()).isEqualTo("w4_1_");
    }
}
