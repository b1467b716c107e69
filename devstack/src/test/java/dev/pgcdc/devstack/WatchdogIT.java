package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class WatchdogIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void serversOfAJvmKilledWithSigkillAreKilledAndTheirDataDeleted() throws Exception {
        Path output = dir.resolve("child.log");
        Process child = ChildJvm.start(OrphanedEnginesMain.class, output);
        try {
            await("child JVM prints READY").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ChildJvm.output(output).contains("READY") || !child.isAlive());
            assertThat(child.isAlive()).as("child JVM alive; its output:\n%s", ChildJvm.output(output)).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks run
        }
        child.waitFor(10, TimeUnit.SECONDS);

        List<String[]> engines = Files.readAllLines(output).stream().filter(line -> line.startsWith("ENGINE "))
                .map(line -> line.split(" ")).toList();
        assertThat(engines).as("engines reported by the child").hasSize(2);
        for (String[] engine : engines) {
            long pid = Long.parseLong(engine[1]);
            Path instanceDir = Path.of(engine[2]);
            await("watchdog cleans up pid " + pid + " and " + instanceDir).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()
                            && !Files.exists(instanceDir));
        }
    }
}
