package dev.pgcdc.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConfigFileOptionTest {

    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;
        @Mixin
        TimeoutOption timeout;

        @Override
        public Integer call() {
            return 0;
        }
    }

    private static Probe parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe;
    }

    @Test
    void shouldDefaultToConfigYamlAndTenSeconds() {
        Probe probe = parse();
        assertThat(probe.config.file()).isEqualTo(Path.of("config.yaml"));
        assertThat(probe.timeout.duration()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldTakeTheShortAndLongForms() {
        assertThat(parse("-c", "a.yaml").config.file()).isEqualTo(Path.of("a.yaml"));
        Probe probe = parse("--config", "b.yaml", "--timeout", "3");
        assertThat(probe.config.file()).isEqualTo(Path.of("b.yaml"));
        assertThat(probe.timeout.duration()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldDescribeBothOptionsInTheHelp() {
        String help = new CommandLine(new Probe()).getUsageMessage();
        assertThat(help).contains("--config=FILE", "default: config.yaml", "--timeout=SECONDS", "default: 10")
                .contains("${VAR} and ${VAR:-default}").doesNotContain("null");
    }

    @Test
    void shouldReportAnInvalidFileInOneLineNamedForTheCommand(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "kafka:\n  brokers: []\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PgcdcConfig loaded = parse("-c", file.toString()).config.loadOrReport(Daemon.SINK, "es-sink status",
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(loaded).isNull();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("es-sink status: ").contains("kafka");
    }

    @Test
    void shouldLoadAValidFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, "kafka:\n  brokers: ['127.0.0.1:9092']\n  topic: cdc\n  groupID: g\n"
                + "elasticsearch:\n  addresses: ['http://127.0.0.1:9200']\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PgcdcConfig loaded = parse("-c", file.toString()).config.loadOrReport(Daemon.SINK, "es-sink status",
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(loaded).isNotNull();
        assertThat(loaded.kafka().topic()).isEqualTo("cdc");
        assertThat(err.size()).isZero();
    }
}
