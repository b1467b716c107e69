package dev.pgcdc.devstack;

import java.nio.file.Path;

/**
 * An engine did not start or did not become ready in time. The message names the engine and ends with
 * the last lines of its log, so a failing test shows why without anyone having to find the log file
 * (which is deleted when the server is closed).
 */
public final class EngineStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    EngineStartException(String engine, String problem, Path log, Throwable cause) {
        super(engine + ": " + problem + "\n--- last lines of " + log + " ---\n" + LogTail.lastLines(log, 40), cause);
    }
}
