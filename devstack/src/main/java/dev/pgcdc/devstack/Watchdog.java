package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small shell process that outlives a killed JVM: it polls this JVM's pid every second and, once the
 * JVM is gone without having closed the server (e.g. {@code kill -9} of a test fork), kills the server's
 * process tree and deletes its directory. A shutdown hook cannot do this, since SIGKILL runs no hooks.
 *
 * <p>The server's current pid is read from a pid file at that moment, so one watchdog covers every
 * stop/start of the same server. It runs in its own session so that Ctrl-C on the terminal, which signals
 * the whole foreground process group, does not kill the watchdog before it has cleaned up.
 */
final class Watchdog implements AutoCloseable {

    // $1 JVM pid, $2 pid file, $3 first signal for the server (KILL, or e.g. QUIT for a clean-ish stop),
    // remaining: paths to delete.
    private static final String SCRIPT = """
            jvm=$1; pidfile=$2; signal=$3; shift 3
            descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
            while kill -0 "$jvm" 2>/dev/null; do sleep 1; done
            if [ -s "$pidfile" ]; then
              pid=$(cat "$pidfile")
              tree="$pid $(descendants "$pid")"
              if [ "$signal" != KILL ]; then
                kill -s "$signal" "$pid" 2>/dev/null
                for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
              fi
              kill -s KILL $tree 2>/dev/null
              kill -s KILL -- "-$pid" 2>/dev/null
              for p in $tree; do rm -f "/tmp/.java_pid$p"; done
            fi
            rm -rf -- "$@"
            """;

    private final Process process;

    private Watchdog(Process process) {
        this.process = process;
    }

    static Watchdog start(Path pidFile, String firstSignal, Path... deleteWhenOrphaned) {
        List<String> command = new ArrayList<>(List.of("setsid", "bash", "-c", SCRIPT, "pgcdc-watchdog",
                Long.toString(ProcessHandle.current().pid()), pidFile.toString(), firstSignal));
        for (Path path : deleteWhenOrphaned) {
            command.add(path.toString());
        }
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the watchdog (needs setsid, bash, pgrep)", e);
        }
    }

    /** Ends the watchdog without it touching the server; call after the server has been cleaned up. */
    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
