package dev.pgcdc.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        commandLine.execute(args);
        return out.toString();
    }

    @Test
    void shouldListEverySubcommandAndDescribeEveryOption() {
        assertThat(run("--help")).contains("run", "check", "status", "snapshot", "drop-slot", "logs", "Exit codes",
                "/metrics");
        CommandLine commandLine = Main.commandLine();
        commandLine.getCommandSpec().options().forEach(option ->
                assertThat(option.description()).as("description of %s", option.longestName()).isNotEmpty());
        commandLine.getSubcommands().forEach((name, sub) -> sub.getCommandSpec().options().forEach(option ->
                assertThat(option.description()).as("description of %s %s", name, option.longestName()).isNotEmpty()));
        assertThat(run("drop-slot", "--help")).contains("--yes-i-am-sure");
        assertThat(run("status", "--help")).contains("--json");
    }

    @Test
    void shouldPrintTheVersion() {
        assertThat(run("--version")).startsWith("cdc-replicator ");
    }

    @Test
    void shouldFailTheConfigCheckAndSkipTheRest(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "postgres:\n  host: localhost\n  user: u\n  password: s3cret-value\n  dbname: d\n"
                + "  slot_name: Bad-Slot\n  publication_name: p\n  tables: [public.t]\nkafka:\n  brokers: [localhost:9092]\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = ReplicatorCheck.check(config, java.time.Duration.ofSeconds(1), new java.io.PrintStream(out, true,
                java.nio.charset.StandardCharsets.UTF_8));
        String report = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(1);
        assertThat(report).contains("FAIL  config:", "postgres.slot_name", "skip  postgres:", "skip  kafka:")
                .doesNotContain("s3cret-value");
    }
}
