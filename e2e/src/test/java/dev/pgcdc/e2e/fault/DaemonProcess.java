package dev.pgcdc.e2e.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One of the two daemons run from its shaded jar as a child process ({@code java -jar ... --config}),
 * output appended to a log file. The jars are copied once per test JVM into {@code target/daemons}, so
 * a rebuild of a daemon module during the run does not swap a jar under a starting process.
 */
final class DaemonProcess implements AutoCloseable {

    enum Kind {
        REPLICATOR("cdc-replicator", "cdc-replicator.jar"),
        SINK("es-sink", "es-sink.jar");

        final String module;
        final String jar;

        Kind(String module, String jar) {
            this.module = module;
            this.jar = jar;
        }
    }

    /** Daemons whose jar this JVM has copied; guarded by the class lock (see {@link #jar}). */
    private static final Set<Kind> COPIED = EnumSet.noneOf(Kind.class);

    private final Kind kind;
    private final Process process;
    final Path log;

    private DaemonProcess(Kind kind, Process process, Path log) {
        this.kind = kind;
        this.process = process;
        this.log = log;
    }

    static synchronized Path jar(Kind kind) {
        Path copy = Path.of("target", "daemons", kind.jar);
        // Copied on first use in this JVM, even when a copy exists: one left by an earlier build would run old code.
        if (COPIED.add(kind)) {
            Path built = Path.of("..", kind.module, "target", kind.jar);
            if (!Files.exists(built)) {
                throw new IllegalStateException(built.toAbsolutePath() + " is missing: package " + kind.module + " first");
            }
            try {
                Files.createDirectories(copy.getParent());
                Path tmp = Files.createTempFile(copy.getParent(), kind.jar, ".tmp");
                Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return copy.toAbsolutePath();
    }

    static DaemonProcess start(Kind kind, Path config, Path log, String... extraArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:TieredStopAtLevel=1", "-jar", jar(kind).toString(), "--config", config.toString()));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new DaemonProcess(kind, process, log);
    }

    /** A subcommand such as {@code check} or {@code status}: {@code java -jar ... SUBCOMMAND --config FILE ARGS}. */
    static DaemonProcess command(Kind kind, String subcommand, Path config, Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                jar(kind).toString(), subcommand, "--config", config.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new DaemonProcess(kind, process, log);
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; the exit code, or -1 when it did not exit in time (then it is killed). */
    int terminate(long timeoutMillis) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        kill9();
        return -1;
    }

    /** Waits for the process to exit by itself; its exit code, or -1 when it still runs. */
    int awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate(5_000);
        }
    }

    @Override
    public String toString() {
        return kind + " pid " + process.pid() + " (log " + log + ")";
    }
}
