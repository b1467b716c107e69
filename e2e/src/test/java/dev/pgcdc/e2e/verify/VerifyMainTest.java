package dev.pgcdc.e2e.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyMainTest {

    @Test
    void exitsTwoWithUsageWhenArgumentsAreWrong() {
        assertThat(VerifyMain.run(new String[0])).as("no --config").isEqualTo(2);
        assertThat(VerifyMain.run(new String[] {"--config", "x.yaml", "--bogus"})).as("unknown argument").isEqualTo(2);
        assertThat(VerifyMain.run(new String[] {"--config"})).as("--config without a value").isEqualTo(2);
    }

    @Test
    void exitsTwoWhenTheConfigurationIsInvalidOrTheDatabaseIsUnreachable(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertThat(VerifyMain.run(new String[] {"--config", missing.toString()})).isEqualTo(2);
        Path unreachable = dir.resolve("config.yaml");
        Files.writeString(unreachable, "postgres:\n  host: 127.0.0.1\n  port: 1\n  user: u\n  password: p\n  dbname: d\n"
                + "  slot_name: s\n  publication_name: p\n  tables: [public.t]\n"
                + "elasticsearch:\n  addresses: [http://127.0.0.1:1]\n");
        assertThat(VerifyMain.run(new String[] {"--config", unreachable.toString()})).isEqualTo(2);
    }
}
