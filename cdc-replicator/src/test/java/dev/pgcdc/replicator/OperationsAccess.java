package dev.pgcdc.replicator;

import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** Lets the integration tests in {@code it} call the package-private commands. */
public final class OperationsAccess {

    private OperationsAccess() {
    }

    public static int check(Path config, PrintStream out) {
        return ReplicatorCheck.check(config, Duration.ofSeconds(10), out);
    }

    public static void status(Path config, boolean json, PrintStream out) throws Exception {
        ReplicatorStatus.print(ReplicatorStatus.read(ConfigLoader.load(config, Daemon.REPLICATOR)), json, out);
    }

    public static int dropSlot(PgcdcConfig config, boolean sure, PrintStream out) {
        return DropSlot.drop(config, sure, out, out);
    }
}
