package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short helper commands (id, kill, initdb, elasticsearch-keystore) to completion, capturing output. */
final class Processes {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    record Result(int exitCode, String output) {
    }

    private Processes() {
    }

    static Result run(List<String> command) {
        return run(command, Map.of(), null, null, DEFAULT_TIMEOUT);
    }

    /**
     * Output is stdout and stderr merged. {@code stdin} and {@code directory} may be null. The output goes
     * through a temporary file rather than a pipe, so a command that hangs silently still times out.
     */
    static Result run(List<String> command, Map<String, String> environment, Path directory, String stdin,
            Duration timeout) {
        String description = String.join(" ", command);
        Path output = null;
        try {
            output = Files.createTempFile("pgcdc-command", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + description
                        + "\n" + read(output));
            }
            return new Result(process.exitValue(), read(output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + description, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + description, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a leftover empty temp file is harmless
                }
            }
        }
    }

    private static String read(Path output) throws IOException {
        return new String(Files.readAllBytes(output), StandardCharsets.UTF_8); // lenient on malformed bytes
    }

    static String runOrThrow(List<String> command) {
        Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode() + ": "
                    + result.output());
        }
        return result.output();
    }
}
