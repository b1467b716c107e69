package dev.pgcdc.common.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --timeout SECONDS} option of the commands that reach the engines, as a picocli mixin. */
public final class TimeoutOption {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long each connection attempt or request may take (default: ${DEFAULT-VALUE})")
    private int seconds;

    public Duration duration() {
        return Duration.ofSeconds(seconds);
    }
}
