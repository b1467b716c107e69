package dev.pgcdc.replicator.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shaded jar ({@code target/cdc-replicator.jar}, built by {@code package}) run as a child process. */
final class ReplicatorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "cdc-replicator.jar");

    private final Process process;
    final Path log;

    private ReplicatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ReplicatorProcess start(Path config, String maxHeap, Path log) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run mvn verify (package builds it)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError",
                "-jar", JAR.toString(), "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ReplicatorProcess(process, log);
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM and returns the exit code, or -1 when it did not exit within the timeout. */
    int terminate(long timeoutMillis) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Waits for the process to end on its own; returns the exit code, or -1 when it still runs. */
    int awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
