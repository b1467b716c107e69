package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SinkCommandLineTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        commandLine.execute(args);
        return out.toString();
    }

    @Test
    void shouldListEverySubcommandAndDescribeEveryOptionInHelp() {
        String help = run("--help");
        assertThat(help).contains("run", "check", "status", "logs", "--config", "--version", "Exit codes");
        CommandLine commandLine = Main.commandLine();
        commandLine.getSubcommands().forEach((name, sub) -> sub.getCommandSpec().options().forEach(option ->
                assertThat(option.description()).as("description of %s %s", name, option.longestName()).isNotEmpty()));
        commandLine.getCommandSpec().options().forEach(option ->
                assertThat(option.description()).as("description of %s", option.longestName()).isNotEmpty());
        assertThat(run("status", "--help")).contains("--json", "--timeout");
    }

    @Test
    void shouldPrintTheVersion() {
        assertThat(run("--version")).startsWith("es-sink ");
    }

    @Test
    void shouldFailTheConfigCheckNamingTheKeyAndSkipTheRest(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "kafka:\n  brokers: [localhost:9092]\n  topci: x\nelasticsearch:\n"
                + "  addresses: [http://localhost:9200]\n  password: hunter2-secret\n  username: elastic\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = SinkCheck.check(config, Duration.ofSeconds(1), new PrintStream(out, true, StandardCharsets.UTF_8));

        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(1);
        assertThat(report).contains("FAIL  config:", "kafka.topci", "did you mean 'topic'", "-> fix: correct the keys",
                "skip  kafka:", "skip  elasticsearch:").doesNotContain("hunter2-secret");
    }

    @Test
    void shouldPrintTheLagTableWithAMarkForPartitionsWithoutACommit() {
        SinkStatus.Report report = new SinkStatus.Report("g", "STABLE", 1, java.util.List.of(
                new SinkStatus.PartitionLag("cdc-events", 0, 10, 15),
                new SinkStatus.PartitionLag("cdc-events", 1, -1, 4)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SinkStatus.print(report, false, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(report.totalLag()).isEqualTo(9);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("consumer group  g (stable, 1 member)",
                "total lag       9 records (partitions without a commit count from offset 0)");
    }
}
