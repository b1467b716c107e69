package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OS side of one local engine instance: its private directory (data, config, log), the server process
 * of the current run, and the {@link Watchdog} that cleans both up if this JVM is killed. Each run is
 * started in its own session ({@code setsid}) so that its whole tree can be signalled and so that a
 * terminal's Ctrl-C reaches only the JVM, whose shutdown hook then stops the server in order.
 *
 * <p>Not thread-safe; the owning server class serialises calls.
 */
final class ServerProcess {

    private final String engine;
    private final Path directory;
    private final Path log;
    private final Path pidFile;
    private final Watchdog watchdog;
    private Process process;

    /**
     * @param engine       human name used in messages, e.g. "PostgreSQL"
     * @param orphanSignal the signal the watchdog sends first when the JVM died, e.g. "QUIT"; "KILL" for none
     */
    ServerProcess(String engine, String orphanSignal) {
        this.engine = engine;
        this.directory = TempDirs.create(engine.toLowerCase(Locale.ROOT));
        this.log = directory.resolve("server.log");
        this.pidFile = directory.resolve("server.pid");
        this.watchdog = Watchdog.start(pidFile, orphanSignal, directory);
    }

    String engine() {
        return engine;
    }

    /** The instance directory; deleted by {@link #close()}. */
    Path directory() {
        return directory;
    }

    Path log() {
        return log;
    }

    /** Starts a run; stdout and stderr are appended to {@link #log()}. */
    void launch(List<String> command, Map<String, String> environment, Path workingDirectory, boolean asServerUser) {
        if (isAlive()) {
            throw new IllegalStateException(engine + " is already running (pid " + process.pid() + ")");
        }
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(asServerUser ? ServerUser.wrap(command) : command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()));
        } catch (IOException e) {
            throw new EngineStartException(engine, "cannot start " + String.join(" ", full), log, e);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        if (process == null) {
            throw new IllegalStateException(engine + " was never started");
        }
        return process.pid();
    }

    /** The process of the current run and its descendants, for tests that check nothing is left over. */
    List<ProcessHandle> processTree() {
        if (process == null) {
            return List.of();
        }
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.toHandle().descendants().forEach(tree::add);
        return tree;
    }

    /**
     * Sends {@code signal} (a name such as "INT") and waits up to {@code grace} for the run to end; then
     * kills the remaining tree. Returns whether the run ended within the grace period.
     */
    boolean stop(String signal, Duration grace) {
        if (!isAlive()) {
            return true;
        }
        List<ProcessHandle> tree = processTree();
        Processes.run(List.of("kill", "-s", signal, Long.toString(process.pid())));
        boolean clean = awaitExit(process.toHandle(), grace);
        kill(tree);
        deletePidFile();
        return clean;
    }

    /** Kills the current run's tree with SIGKILL and waits for it to go away. */
    void kill() {
        if (process != null) {
            kill(processTree());
        }
        deletePidFile();
    }

    /**
     * Polls {@code probe} every 100 ms until it reports ready. Fails fast, with the log tail, when the
     * run exits or {@code timeout} passes; the last probe failure becomes the cause.
     */
    void awaitReady(String what, Duration timeout, Probe probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            if (!isAlive()) {
                throw new EngineStartException(engine, "exited with code " + process.exitValue() + " before "
                        + what, log, last);
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new EngineStartException(engine, "not " + what + " within " + timeout.toSeconds() + " s",
                        log, last);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineStartException(engine, "interrupted while waiting until " + what, log, e);
            }
        }
    }

    EngineStartException failure(String problem, Throwable cause) {
        return new EngineStartException(engine, problem, log, cause);
    }

    /**
     * Kills the run if any, deletes the directory and ends the watchdog. If killing or deleting fails, the
     * watchdog is left running, so it still cleans up when this JVM exits.
     */
    void close() {
        kill();
        TempDirs.delete(directory);
        watchdog.close();
    }

    @FunctionalInterface
    interface Probe {
        boolean ready() throws Exception;
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void kill(List<ProcessHandle> tree) {
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            awaitExit(handle, Duration.ofSeconds(10));
            deleteAttachSocket(handle.pid());
        }
    }

    /**
     * A JVM that was attached to (Elasticsearch attaches its entitlement agent to itself) creates
     * {@code /tmp/.java_pid<pid>}, always in /tmp, and removes it only on a normal exit.
     */
    static void deleteAttachSocket(long pid) {
        try {
            Files.deleteIfExists(Path.of("/tmp/.java_pid" + pid));
        } catch (IOException e) {
            // litter at worst
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
