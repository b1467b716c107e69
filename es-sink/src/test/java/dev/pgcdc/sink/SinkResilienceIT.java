package dev.pgcdc.sink;

import static dev.pgcdc.sink.TestEvents.delete;
import static dev.pgcdc.sink.TestEvents.insert;
import static dev.pgcdc.sink.TestEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.devstack.ElasticsearchServer;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.KafkaEndpoint;
import dev.pgcdc.sink.es.EsAuthException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Outages, crashes and security, against real engines. */
@ExtendWith(EnginesExtension.class)
@Timeout(300)
class SinkResilienceIT {

    private static final Logger log = LoggerFactory.getLogger(SinkResilienceIT.class);

    private final KafkaEndpoint kafka;
    private final ElasticsearchServer elasticsearch;

    SinkResilienceIT(KafkaEndpoint kafka, ElasticsearchServer elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @Test
    void shouldLoseNothingAndCommitNothingEarlyWhileElasticsearchIsDown() throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            AtomicLong produced = new AtomicLong();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                while (producing.get()) {
                    long id = produced.get();
                    h.send(insert("users", 1000 + id, 0, (int) id, "n" + id, "b"));
                    produced.incrementAndGet();
                    if (id % 500 == 0) {
                        h.flush();
                        sleep(100);
                    }
                }
                h.flush();
            }, "load");
            load.start();
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.count(h.mirror("users")) >= 5000);
                assertCommittedNeverAheadOfElasticsearch(h);
                elasticsearch.stop();
                long committedAtStop = h.committedTotal(h.group);
                log.info("Elasticsearch stopped; {} events committed, {} produced", committedAtStop, produced.get());
                long outageEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < outageEnd) {
                    assertThat(h.committedTotal(h.group)).as("no commit while Elasticsearch is down")
                            .isEqualTo(committedAtStop);
                    Thread.sleep(2000);
                }
                long beforeRestart = System.nanoTime();
                elasticsearch.start();
                log.info("Elasticsearch restarted in {} ms", (System.nanoTime() - beforeRestart) / 1_000_000);
                Thread.sleep(3000);
                producing.set(false);
                load.join();
                long total = produced.get();
                long catchUp = System.nanoTime();
                long startCount = h.count(h.mirror("users"));
                await().atMost(Duration.ofSeconds(120)).until(() -> h.count(h.mirror("users")) == total);
                long seconds = Math.max(1, (System.nanoTime() - catchUp) / 1_000_000_000);
                log.info("after the outage: {} documents caught up in ~{} s ({} docs/s)", total - startCount, seconds,
                        (total - startCount) / seconds);
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committedTotal(h.group) == total);
                assertCommittedNeverAheadOfElasticsearch(h);
            } finally {
                producing.set(false);
                load.join();
                if (!elasticsearch.isRunning()) {
                    elasticsearch.start();
                }
            }
        }
    }

    /** One event per document here: the committed offsets can never exceed the documents stored. */
    private static void assertCommittedNeverAheadOfElasticsearch(SinkHarness h) {
        long committed = h.committedTotal(h.group);
        long stored = h.count(h.mirror("users"));
        assertThat(committed).as("committed offsets vs documents in Elasticsearch").isLessThanOrEqualTo(stored);
    }

    @Test
    void shouldConvergeAfterKillMinusNineAndExitZeroOnSigterm(@TempDir Path dir) throws Exception {
        try (SinkHarness h = new SinkHarness(kafka, elasticsearch, 3)) {
            Map<String, String> expected = new HashMap<>();
            Map<Integer, Long> insertsPerPartition = new HashMap<>();
            java.util.List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> inserts =
                    new java.util.ArrayList<>();
            int events = 0;
            for (int round = 0; round < 4; round++) {
                for (int id = 0; id < 5000; id++) {
                    long lsn = 10_000L * (round + 1) + id;
                    if (round == 0) {
                        inserts.add(h.send(insert("users", lsn, 0, id, "r0-" + id, "b")));
                        expected.put(Integer.toString(id), "r0-" + id);
                    } else if (round == 3 && id % 7 == 0) {
                        h.send(delete("users", lsn, 0, id));
                        expected.remove(Integer.toString(id));
                    } else if (id % round == 0) {
                        h.send(update("users", lsn, 0, id, "r" + round + "-" + id, "b"));
                        expected.put(Integer.toString(id), "r" + round + "-" + id);
                    } else {
                        continue;
                    }
                    events++;
                }
            }
            h.flush();
            for (var insert : inserts) {
                insertsPerPartition.merge(insert.get().partition(), 1L, Long::sum);
            }
            Path config = dir.resolve("sink.yaml");
            Files.writeString(config, h.yaml(h.group, "  bulk_max_actions: 200\n"));
            Process first = startJar(config, dir.resolve("first.log"));
            await().atMost(Duration.ofSeconds(90)).until(() -> h.count(h.mirror("users")) > 1500);
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long stored = h.count(h.mirror("users"));
            var committed = h.committed(h.group);
            log.info("killed the sink with SIGKILL at {} documents, {} committed: {}", stored,
                    h.committedTotal(h.group), committed);
            // Each partition starts with its inserts: while every committed position is inside that
            // run, committed offsets count stored documents, so they cannot exceed the documents.
            boolean insideInserts = committed.entrySet().stream().allMatch(
                    e -> e.getValue() == null || e.getValue().offset() <= insertsPerPartition.get(e.getKey().partition()));
            if (insideInserts) {
                assertThat(h.committedTotal(h.group)).as("committed offsets vs documents stored at the kill")
                        .isLessThanOrEqualTo(stored);
            }
            Process second = startJar(config, dir.resolve("second.log"));
            try {
                int total = events;
                await().atMost(Duration.ofSeconds(120)).until(() -> h.committedTotal(h.group) == total);
                Map<String, ObjectNode> documents = h.documents(h.mirror("users"));
                Map<String, String> actual = new HashMap<>();
                documents.forEach((id, doc) -> actual.put(id, doc.get("name").asText()));
                assertThat(actual).as("index equals the table after a crash and restart").isEqualTo(expected);
                long stopAsked = System.nanoTime();
                second.destroy(); // SIGTERM
                assertThat(second.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of SIGTERM").isTrue();
                log.info("SIGTERM to exit: {} ms", (System.nanoTime() - stopAsked) / 1_000_000);
                assertThat(second.exitValue()).as("exit code after SIGTERM; log: " + dir.resolve("second.log")).isZero();
            } finally {
                second.destroyForcibly();
            }
        }
    }

    private static Process startJar(Path config, Path logFile) throws Exception {
        File jar = Path.of("target", "es-sink.jar").toFile();
        assertThat(jar).as("the shaded jar (mvn package runs before the integration tests)").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx256m", "-jar", jar.getAbsolutePath(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    @Test
    void shouldStopWithAClearErrorWhenThePasswordIsWrong(@TempDir Path dir) throws Exception {
        try (ElasticsearchServer secured = ElasticsearchServer.builder().security("right-password").start();
             SinkHarness h = new SinkHarness(kafka, secured, 1)) {
            h.send(insert("users", 100, 0, 1, "alice", "a"));
            h.flush();
            try (SinkHarness.Running sink = h.start("")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.count(h.mirror("users")) == 1);
            }
            String wrong = h.yaml(h.group, "").replace("password: right-password", "password: wrong-password");
            Main.Sink sink = new Main.Sink(dev.pgcdc.common.config.ConfigLoader.parse(wrong, "test",
                    dev.pgcdc.common.config.Daemon.SINK, System::getenv));
            try {
                sink.run();
                throw new AssertionError("the sink started with a wrong password");
            } catch (EsAuthException e) {
                assertThat(e.getMessage()).contains("401").contains("user 'elastic'")
                        .contains("elasticsearch.username/password").doesNotContain("wrong-password");
            }
            Path config = dir.resolve("wrong.yaml");
            Files.writeString(config, wrong);
            assertThat(Main.run(config)).as("exit code with a wrong password").isEqualTo(1);

            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int code = SinkCheck.check(config, Duration.ofSeconds(10), new java.io.PrintStream(out, true,
                    java.nio.charset.StandardCharsets.UTF_8));
            String report = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(code).as("check exit code with a wrong password; report:\n" + report).isEqualTo(1);
            assertThat(report).as("check with a wrong password")
                    .contains("FAIL  elasticsearch connection: Elasticsearch rejected the credentials (HTTP 401")
                    .contains("-> fix: set elasticsearch.username and password")
                    .contains("skip  elasticsearch privileges:")
                    .doesNotContain("wrong-password");

            Path right = dir.resolve("right.yaml");
            Files.writeString(right, h.yaml(h.group, ""));
            out.reset();
            code = SinkCheck.check(right, Duration.ofSeconds(10), new java.io.PrintStream(out, true,
                    java.nio.charset.StandardCharsets.UTF_8));
            report = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(code).as("check exit code with security on; report:\n" + report).isZero();
            assertThat(report).contains("ok    elasticsearch privileges: user 'elastic' may manage index templates");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
