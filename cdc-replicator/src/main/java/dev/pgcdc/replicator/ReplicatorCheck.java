package dev.pgcdc.replicator;

import dev.pgcdc.common.cli.TimeoutOption;
import dev.pgcdc.common.cli.ConfigFileOption;
import dev.pgcdc.common.cli.Checks;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.pg.PgErrors;
import dev.pgcdc.replicator.pg.Prerequisites;
import dev.pgcdc.replicator.pg.Publication;
import dev.pgcdc.replicator.pg.SlotState;
import dev.pgcdc.replicator.pg.Slots;
import dev.pgcdc.replicator.position.PositionStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdc-replicator check}: the configuration, PostgreSQL (login, version, {@code wal_level},
 * REPLICATION, each table, the publication, the slot; the same checks the replicator runs at start,
 * from {@link Prerequisites}), the stored position, and Kafka. One line per check; exit code 0 only
 * when all pass. Changes nothing: no slot, publication or topic is created.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the configuration and what the replicator needs, one line per check with ok or FAIL and"
                + " the fix.", "Changes nothing. Exit code 0 only when every check passes."})
final class ReplicatorCheck implements Callable<Integer> {

    /** The fix part of a prerequisite problem: after the last ": " that starts an instruction. */
    private static final Pattern FIX = Pattern.compile(":\\s+((?:run|create|drop|raise|lower|use|grant|remove|set|only)\\b.*)$");

    @Mixin
    ConfigFileOption config;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() {
        return check(config.file(), timeout.duration(), System.out);
    }

    static int check(Path configFile, Duration timeout, PrintStream out) {
        Checks checks = new Checks(out);
        PgcdcConfig config;
        try {
            config = ConfigLoader.load(configFile, Daemon.REPLICATOR);
            checks.ok("config", configFile + " is valid (" + config.postgres().tables().size() + " tables, slot "
                    + config.postgres().slotName() + ", publication " + config.postgres().publicationName() + ")");
        } catch (ConfigException e) {
            checks.fail("config", e.getMessage(), "correct the keys named above in " + configFile);
            checks.skip("postgres", "needs a valid configuration");
            checks.skip("kafka", "needs a valid configuration");
            return checks.finish();
        }
        checkPostgres(config, checks);
        checkPosition(config, checks);
        checkKafka(config.kafka(), timeout, checks);
        return checks.finish();
    }

    private static void checkPostgres(PgcdcConfig config, Checks checks) {
        PostgresConfig pg = config.postgres();
        try (Connection connection = new Connections(pg).regular("pgcdc-check")) {
            String version;
            try (PreparedStatement statement = connection.prepareStatement("SELECT current_setting('server_version'),"
                    + " current_setting('server_version_num')::int");
                    ResultSet rs = statement.executeQuery()) {
                rs.next();
                version = rs.getString(1);
            }
            checks.ok("postgres connection", "PostgreSQL " + version + " at " + pg.host() + ":" + pg.port() + "/"
                    + pg.dbname() + " as " + pg.user());
            int versionNum = versionNum(connection);
            SlotState slot = Slots.find(connection, pg.slotName(), versionNum);
            List<String> problems = new ArrayList<>();
            Prerequisites.collect(connection, pg, config.replicator().statusInterval(), slot, problems);
            report(problems, "postgres version", p -> p.contains("is not supported: use PostgreSQL"), checks,
                    "PostgreSQL " + version + " is supported (12 or later)");
            report(problems, "wal_level", p -> p.contains("wal_level"), checks, "logical");
            report(problems, "replication privilege", p -> p.contains("REPLICATION attribute"), checks,
                    "role " + pg.user() + " may stream changes (REPLICATION)");
            report(problems, "publication", p -> p.startsWith("publication '"), checks, publicationDetail(connection, pg));
            for (TableConfig table : pg.tables()) {
                String id = table.id().toString();
                report(problems, "table " + id, p -> p.contains(id + " ") || p.contains(id + ":") || p.endsWith(id),
                        checks, tableDetail(connection, table));
            }
            report(problems, "status interval", p -> p.contains("status_interval"), checks,
                    "replicator.status_interval is at most a third of wal_sender_timeout");
            report(problems, "replication slots", p -> p.contains("replication slots are in use")
                    || p.contains("walsenders are in use"), checks, "free slots and walsenders are available");
            for (String other : problems) {
                failProblem("postgres", other, checks);
            }
            checkSlot(slot, pg, checks);
        } catch (SQLException e) {
            RuntimeException classified = PgErrors.classify("connecting to PostgreSQL at " + pg.host() + ":" + pg.port()
                    + "/" + pg.dbname() + " as " + pg.user(), e);
            String message = classified.getMessage();
            String fix = message.contains("SQLSTATE 28") ? "check postgres.user and postgres.password, and that pg_hba.conf"
                    + " lets this host log in to database " + pg.dbname()
                    : message.contains("3D000") ? "check postgres.dbname"
                    : "check postgres.host and postgres.port, that PostgreSQL runs and listens there (listen_addresses),"
                    + " and firewalls";
            checks.fail("postgres connection", message, fix);
            checks.skip("postgres prerequisites", "needs a PostgreSQL connection");
        }
    }

    private static int versionNum(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_setting('server_version_num')::int");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void report(List<String> problems, String name, java.util.function.Predicate<String> mine, Checks checks,
            String okDetail) {
        boolean failed = false;
        for (Iterator<String> it = problems.iterator(); it.hasNext(); ) {
            String problem = it.next();
            if (mine.test(problem)) {
                failProblem(name, problem, checks);
                it.remove();
                failed = true;
            }
        }
        if (!failed) {
            checks.ok(name, okDetail);
        }
    }

    private static void failProblem(String name, String problem, Checks checks) {
        Matcher fix = FIX.matcher(problem);
        if (fix.find()) {
            checks.fail(name, problem.substring(0, fix.start()), fix.group(1));
        } else {
            checks.fail(name, problem, "see the problem; the README's Troubleshooting section explains it");
        }
    }

    private static String publicationDetail(Connection connection, PostgresConfig pg) throws SQLException {
        Publication publication = Publication.read(connection, pg.publicationName());
        if (publication != null) {
            return "'" + pg.publicationName() + "' exists and publishes every configured table and operation";
        }
        return "'" + pg.publicationName() + "' does not exist yet; the replicator creates it at start, which needs a"
                + " role that owns the tables (least privilege: create it as the owner instead, see the README)";
    }

    private static String tableDetail(Connection connection, TableConfig table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            statement.setString(1, table.id().schema());
            statement.setString(2, table.id().table());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return "exists";
                }
                String identity = rs.getString(1);
                boolean primaryKey = rs.getBoolean(2);
                String key = !table.keyColumns().isEmpty() ? "key_columns " + table.keyColumns()
                        : "f".equals(identity) ? "REPLICA IDENTITY FULL"
                        : "i".equals(identity) ? "a replica identity index" : primaryKey ? "primary key" : "no key";
                return "exists, readable, rows identified by " + key;
            }
        }
    }

    private static void checkSlot(SlotState slot, PostgresConfig pg, Checks checks) {
        if (slot == null) {
            checks.ok("slot", pg.slotName() + " does not exist yet; the replicator creates it at its first start");
        } else if (!slot.logical() || !"pgoutput".equals(slot.plugin())) {
            checks.fail("slot", pg.slotName() + " exists but is not a logical pgoutput slot (plugin " + slot.plugin() + ")",
                    "choose another postgres.slot_name, or drop that slot if nothing uses it");
        } else if (!pg.dbname().equals(slot.database())) {
            checks.fail("slot", pg.slotName() + " belongs to database " + slot.database() + ", not " + pg.dbname(),
                    "choose another postgres.slot_name (slot names are cluster-wide)");
        } else if (slot.lost()) {
            checks.fail("slot", pg.slotName() + " was invalidated (wal_status lost): the WAL it needed is gone",
                    "re-snapshot: set postgres.snapshot_mode: when_needed, or run cdc-replicator drop-slot --yes-i-am-sure"
                            + " and start again");
        } else {
            checks.ok("slot", pg.slotName() + " exists, " + (slot.active() ? "in use by pid " + slot.activePid()
                    + " (a replicator streams from it)" : "inactive") + ", confirmed_flush_lsn " + slot.confirmedFlushLsn()
                    + ", wal_status " + slot.walStatus());
        }
    }

    private static void checkPosition(PgcdcConfig config, Checks checks) {
        Path path = config.replicator().positionPath();
        try {
            PositionStore.Contents contents = PositionStore.peek(path);
            if (contents.position().isEmpty()) {
                checks.ok("position store", path + " holds no position yet (first start: snapshot_mode "
                        + config.postgres().snapshotMode().name().toLowerCase(java.util.Locale.ROOT) + ")");
                return;
            }
            PositionStore.StoredPosition stored = contents.position().get();
            if (stored.slotName() != null && !stored.slotName().equals(config.postgres().slotName())) {
                checks.fail("position store", path + " holds the position of slot " + stored.slotName() + ", not "
                        + config.postgres().slotName(), "give each pipeline its own replicator.position_path, or delete"
                        + " the directory to start over with a new snapshot");
            } else {
                checks.ok("position store", path + " holds LSN " + stored.lsn() + " of slot " + stored.slotName());
            }
        } catch (FatalException e) {
            checks.fail("position store", e.getMessage(), "check replicator.position_path and its permissions");
        }
    }

    private static void checkKafka(KafkaConfig kafka, Duration timeout, Checks checks) {
        Properties props = new Properties();
        props.put("bootstrap.servers", String.join(",", kafka.brokers()));
        props.put("client.id", "pgcdc-replicator-check");
        props.putAll(kafka.properties().values());
        props.put("request.timeout.ms", Long.toString(timeout.toMillis()));
        props.put("default.api.timeout.ms", Long.toString(timeout.toMillis()));
        try (Admin admin = Admin.create(props)) {
            DescribeClusterResult cluster = admin.describeCluster();
            int brokers = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            checks.ok("kafka connection", "cluster " + cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    + ", " + brokers + " brokers reachable via " + kafka.brokers());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                // The admin client's own deadline (the same timeout) can expire before ours: the same failure.
                checks.fail("kafka connection", "no broker of " + kafka.brokers() + " answered within "
                        + timeout.toSeconds() + " s", "check kafka.brokers, that Kafka runs, and that the address it"
                        + " advertises (advertised.listeners) is reachable from here");
            } else if (cause instanceof AuthenticationException) {
                checks.fail("kafka connection", "Kafka rejected the credentials (" + cause.getClass().getSimpleName() + ")",
                        "check kafka.properties: security.protocol, sasl.mechanism and sasl.jaas.config");
            } else if (cause instanceof AuthorizationException) {
                checks.fail("kafka connection", "Kafka denied access: " + cause.getMessage(),
                        "grant the principal Describe on the cluster and Write, Describe and Create on the topics");
            } else {
                checks.fail("kafka connection", String.valueOf(cause), "check kafka.brokers and that Kafka runs");
            }
        } catch (TimeoutException e) {
            checks.fail("kafka connection", "no broker of " + kafka.brokers() + " answered within " + timeout.toSeconds()
                    + " s", "check kafka.brokers, that Kafka runs, and that the address it advertises"
                    + " (advertised.listeners) is reachable from here");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.fail("kafka connection", "interrupted", "run the check again");
        } catch (RuntimeException e) {
            checks.fail("kafka connection", "the Kafka client cannot start: " + e.getMessage(),
                    "fix kafka.properties (names and values as in the Kafka client documentation)");
        }
    }

}
