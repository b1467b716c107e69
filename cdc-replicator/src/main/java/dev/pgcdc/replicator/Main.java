package dev.pgcdc.replicator;

import dev.pgcdc.common.cli.ConfigFileOption;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.health.Health;
import dev.pgcdc.common.health.HealthServer;
import dev.pgcdc.common.logging.Logging;
import dev.pgcdc.common.logging.LogsCommand;
import dev.pgcdc.common.metrics.Metrics;
import dev.pgcdc.common.metrics.ReplicatorMetrics;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.snapshot.Backfill;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Composition root of the replicator: loads the configuration, builds the {@link Replicator},
 * and turns SIGTERM/SIGINT into a clean stop (stop reading, flush Kafka, persist and confirm the
 * last fully acknowledged commit, exit 0 within 10 s).
 *
 * <p>While running it serves {@code /health} and {@code /metrics} on {@code metrics.replicator_port}.
 *
 * <p>Exit codes: 0 stopped on request (check: all passed), 1 fatal error (rejected credentials,
 * missing prerequisite, lost slot, a Kafka error retrying cannot cure; a failed check), 2 bad
 * configuration or command line.
 */
@Command(name = "cdc-replicator", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Streams every change of the configured PostgreSQL tables into Kafka (pgoutput logical"
                + " replication), keeping the confirmed position in LMDB.",
                "Without a subcommand it runs the replicator, like 'run'."},
        footer = {"", "Exit codes: 0 stopped on request (check: all passed), 1 fatal error or a failed check,"
                + " 2 bad configuration or command line.",
                "While running: GET /health, /health/live, /health/ready and /metrics on metrics.replicator_port"
                        + " (default 8081)."},
        subcommands = {Main.Run.class, ReplicatorCheck.class, ReplicatorStatus.class, Main.Snapshot.class,
                DropSlot.class, LogsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Past this after a stop request the process halts, so SIGTERM never takes more than ~10 s. */
    private static final Duration HARD_STOP_MARGIN = Duration.ofMillis(1500);

    @Mixin
    ConfigFileOption config;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public Integer call() {
        return run(config.file());
    }

    /** {@code cdc-replicator run --config FILE}: the same as without a subcommand. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the replicator (the default):"
            + " snapshot per postgres.snapshot_mode, then stream. SIGTERM or Ctrl-C stops it within 10 s.")
    static final class Run implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Override
        public Integer call() {
            return run(config.file());
        }
    }

    /**
     * {@code cdc-replicator snapshot --table public.users}: asks the running replicator (the one
     * streaming from the configured slot) to re-read a table while it keeps streaming. The request
     * is a transactional logical decoding message the replicator reads from its stream (PostgreSQL
     * 14 or later); it is picked up even if the replicator is down now, once it streams past it.
     */
    @Command(name = "snapshot", mixinStandardHelpOptions = true,
            description = "Ask the running replicator to re-read (backfill) a table while streaming continues.")
    static final class Snapshot implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Option(names = {"-t", "--table"}, paramLabel = "SCHEMA.TABLE", required = true,
                description = "a table listed in postgres.tables")
        String table;

        @Override
        public Integer call() {
            PgcdcConfig loaded = config.loadOrReport(Daemon.REPLICATOR, "cdc-replicator snapshot", System.err);
            if (loaded == null) {
                return ConfigFileOption.INVALID;
            }
            TableId id;
            try {
                id = TableId.parse(table);
            } catch (IllegalArgumentException e) {
                System.err.println("cdc-replicator snapshot: " + e.getMessage());
                return 2;
            }
            if (!loaded.postgres().tableIds().contains(id)) {
                System.err.println("cdc-replicator snapshot: " + id + " is not in postgres.tables "
                        + loaded.postgres().tableIds());
                return 2;
            }
            try (Connection connection = new Connections(loaded.postgres()).regular("pgcdc-snapshot-request");
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT pg_logical_emit_message(true, ?, ?)::text")) {
                statement.setString(1, Backfill.SIGNAL_PREFIX);
                statement.setString(2, Backfill.signal(loaded.postgres().slotName(), id));
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    System.out.println("requested a backfill of " + id + " from slot " + loaded.postgres().slotName()
                            + " (request at LSN " + rs.getString(1) + ")");
                }
                return 0;
            } catch (SQLException e) {
                System.err.println("cdc-replicator snapshot: " + e.getMessage());
                return 1;
            }
        }
    }

    static int run(Path configFile) {
        PgcdcConfig config;
        try {
            config = ConfigLoader.load(configFile, Daemon.REPLICATOR);
        } catch (ConfigException e) {
            System.err.println("cdc-replicator: " + e.getMessage());
            return 2;
        }
        try (Logging logging = Logging.configure(config.logging(), "cdc-replicator");
                Metrics metrics = new Metrics("cdc-replicator", version())) {
            Clock clock = Clock.systemUTC();
            Health health = new Health(clock);
            Replicator replicator = new Replicator(config, version(), clock,
                    new ReplicatorMetrics(metrics.registry(), clock), health);
            int code;
            try (HealthServer server = startHttp(config, health, metrics)) {
                installSignalHandlers(replicator, config.replicator().shutdownTimeout().plus(HARD_STOP_MARGIN));
                LOG.info("cdc-replicator {} starting", version());
                code = replicator.run();
            }
            if (code != 0) {
                System.err.println("cdc-replicator: stopped on a fatal error; see the log above");
            }
            return code;
        }
    }

    /** The /health and /metrics endpoint, or null when metrics.replicator_port is 0. */
    private static HealthServer startHttp(PgcdcConfig config, Health health, Metrics metrics) {
        int port = config.metrics().replicatorPort();
        if (port == 0) {
            LOG.info("metrics.replicator_port is 0: not serving /health and /metrics");
            return null;
        }
        try {
            return HealthServer.start(config.metrics().host(), port, "cdc-replicator", version(), health,
                    metrics.registry());
        } catch (java.io.UncheckedIOException e) {
            // Monitoring must not stop the data path: run on, say so loudly (a health check will notice).
            LOG.error("{}; running without /health and /metrics", e.getMessage());
            return null;
        }
    }

    @SuppressWarnings("sunapi")
    private static void installSignalHandlers(Replicator replicator, Duration hardStop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    LOG.info("SIG{} received: stopping (flush Kafka, confirm the last acknowledged commit)", name);
                    replicator.requestStop();
                    Thread watchdog = new Thread(() -> {
                        try {
                            if (!replicator.awaitStopped(hardStop)) {
                                LOG.error("did not stop within {} ms; halting", hardStop.toMillis());
                                Runtime.getRuntime().halt(1);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "cdc-replicator-stop-watchdog");
                    watchdog.setDaemon(true);
                    watchdog.start();
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("signal {} cannot be handled here", name);
            }
        }
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cdc-replicator " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
