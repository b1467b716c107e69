package dev.pgcdc.common.cli;

import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code -c/--config FILE} option of every command of both jars, as a picocli mixin
 * ({@code @Mixin ConfigFileOption config;}), and the one way they load it: a bad file is reported
 * in one line and the command exits 2 before touching anything.
 */
public final class ConfigFileOption {

    /** The exit code of a command whose configuration is invalid. */
    public static final int INVALID = 2;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config.yaml",
            description = "YAML configuration file; $${VAR} and $${VAR:-default} are read from the environment"
                    + " (default: ${DEFAULT-VALUE})")
    private Path file;

    public Path file() {
        return file;
    }

    /**
     * Loads and validates the file for {@code daemon}; on a problem prints {@code "<command>: <problem>"}
     * to {@code err} and returns null (exit with {@link #INVALID}).
     */
    public PgcdcConfig loadOrReport(Daemon daemon, String command, PrintStream err) {
        try {
            return ConfigLoader.load(file, daemon);
        } catch (ConfigException e) {
            err.println(command + ": " + e.getMessage());
            return null;
        }
    }
}
