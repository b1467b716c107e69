package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL cluster on 127.0.0.1: {@code initdb} into a temporary directory, then
 * {@code postgres} as a child process with {@code wal_level=logical}, 20 replication slots and WAL senders,
 * and password (SCRAM) authentication for normal and replication connections. Stopping and starting again
 * keeps the port and the data, for restart tests; {@link #close()} stops the server and deletes everything.
 * Runs as the OS user {@value ServerUser#NAME} when this JVM is root. Methods are thread-safe.
 *
 * <p>With {@link Builder#tls} the server serves TLS with the given certificate and accepts TCP connections only
 * over TLS ({@code hostssl} in pg_hba.conf); clients that do not verify still connect with pgjdbc's default
 * {@code sslmode=prefer}.
 *
 * <p>{@code fsync} is off by default: data survives stopping the server in any mode (only an OS crash
 * could lose it) and commits do not wait for the disk. Override with {@code setting("fsync", "on")}.
 */
public final class PostgresServer implements PostgresEndpoint, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final String ENGINE = "PostgreSQL";

    /** Shutdown modes, see <a href="https://www.postgresql.org/docs/current/server-shutdown.html">server shutdown</a>. */
    public enum Mode {
        /** SIGINT: roll back open transactions, disconnect clients, write a checkpoint. */
        FAST("INT"),
        /** SIGQUIT: quit at once without a checkpoint, like a crash; the next start runs recovery. */
        IMMEDIATE("QUIT");

        private final String signal;

        Mode(String signal) {
            this.signal = signal;
        }
    }

    private final Path binDir;
    private final String superuser;
    private final String password;
    private final Duration startTimeout;
    private final int port;
    private final ServerProcess process;
    private final Path dataDir;
    private final TestCertificateAuthority.ServerCertificate tls;
    private boolean closed;

    private PostgresServer(Builder builder) {
        this.binDir = builder.binDir != null ? builder.binDir : PostgresInstallation.binDir();
        this.superuser = builder.superuser;
        this.password = builder.password;
        this.startTimeout = builder.startTimeout;
        this.tls = builder.tls;
        this.port = FreePorts.next();
        this.process = new ServerProcess(ENGINE, "QUIT");
        this.dataDir = process.directory().resolve("data");
        ShutdownHooks.register(this);
        try {
            initdb(builder.settings);
            start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Options for a new server; defaults: superuser {@code postgres}, password {@code pgcdc}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String superuser() {
        return superuser;
    }

    @Override
    public String password() {
        return password;
    }

    /** The directory with {@code pg_ctl}, {@code pgbench}, {@code pg_recvlogical} etc. of this server's version. */
    public Path binDir() {
        return binDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server's stdout/stderr; deleted by {@link #close()}. */
    public Path logFile() {
        return process.log();
    }

    /** The major version, e.g. 15, read from the data directory. */
    public int majorVersion() {
        try {
            return Integer.parseInt(Files.readString(dataDir.resolve("PG_VERSION")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized boolean isRunning() {
        return process.isAlive();
    }

    /** Pid of the postmaster of the current run. */
    public synchronized long pid() {
        return process.pid();
    }

    /**
     * Starts the server again after {@link #stop(Mode)}, on the same port with the same data, and waits until
     * it accepts connections. Does nothing when already running.
     *
     * @throws EngineStartException with the log tail when it does not come up within the start timeout
     */
    public synchronized void start() {
        ensureOpen();
        if (process.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        process.launch(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString()), Map.of(),
                process.directory(), true);
        process.awaitReady("accepting connections on " + host() + ":" + port, startTimeout, () -> {
            try (Connection connection = connect("postgres")) {
                return connection.isValid(1);
            }
        });
        LOG.info("PostgreSQL {} ready on {}:{} in {} ms (data {})", majorVersion(), host(), port,
                (System.nanoTime() - started) / 1_000_000, dataDir);
    }

    /** Stops the server and waits for it to exit (killing it after 30 s); data and port are kept. */
    public synchronized void stop(Mode mode) {
        ensureOpen();
        if (!process.stop(mode.signal, Duration.ofSeconds(30))) {
            LOG.warn("PostgreSQL did not stop within 30 s after SIG{}; killed it", mode.signal);
        }
    }

    /** Stops the server at once and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.stop(Mode.IMMEDIATE.signal, Duration.ofSeconds(10));
            process.close();
        } finally {
            ShutdownHooks.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + host() + ":" + port + ", data " + dataDir + "]";
    }

    private void initdb(Map<String, String> extraSettings) {
        Path directory = process.directory();
        Path passwordFile = directory.resolve("password");
        try {
            Files.writeString(passwordFile, password + "\n");
            Map<String, String> tlsSettings = tls == null ? Map.of() : installTls(directory.resolve("tls"));
            ServerUser.own(directory);
            Processes.Result result = Processes.run(ServerUser.wrap(List.of(binDir.resolve("initdb").toString(),
                            "-D", dataDir.toString(), "-U", superuser, "--pwfile=" + passwordFile,
                            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")),
                    Map.of("LC_ALL", "C"), directory, null, startTimeout);
            Files.writeString(process.log(), result.output(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (result.exitCode() != 0) {
                throw process.failure("initdb exited with code " + result.exitCode(), null);
            }
            Files.delete(passwordFile);
            String host = tls == null ? "host   " : "hostssl";
            Files.writeString(dataDir.resolve("pg_hba.conf"), """
                    # Written by pgcdc devstack: password auth only, loopback only.
                    local   all         all                scram-sha-256
                    %1$s all         all  127.0.0.1/32  scram-sha-256
                    %1$s replication all  127.0.0.1/32  scram-sha-256
                    """.formatted(host));
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("listen_addresses", host());
            settings.put("port", Integer.toString(port));
            // Socket paths are limited to 107 bytes; a long java.io.tmpdir gets TCP only, which is all we use.
            boolean socketFits = directory.resolve(".s.PGSQL." + port).toString().length() < 100;
            settings.put("unix_socket_directories", socketFits ? directory.toString() : "");
            settings.put("wal_level", "logical");
            settings.put("max_replication_slots", "20");
            settings.put("max_wal_senders", "20");
            settings.put("fsync", "off");
            settings.put("log_line_prefix", "%m [%p] %q%u@%d ");
            settings.putAll(tlsSettings);
            settings.putAll(extraSettings);
            StringBuilder conf = new StringBuilder("\n# Written by pgcdc devstack; later lines win.\n");
            settings.forEach((key, value) -> conf.append(key).append(" = ").append(Identifiers.confValue(value))
                    .append('\n'));
            Files.writeString(dataDir.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw process.failure("cannot prepare the data directory " + dataDir, e);
        }
    }

    /**
     * Copies the certificate and key into {@code directory}, the key with mode 0600 as PostgreSQL demands
     * (the caller gives both to the server's OS user), and returns the settings that turn TLS on.
     */
    private Map<String, String> installTls(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path certificate = Files.copy(tls.certificate(), directory.resolve("server.pem"));
        Path key = Files.copy(tls.privateKey(), directory.resolve("server.key"));
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return Map.of("ssl", "on", "ssl_cert_file", certificate.toString(), "ssl_key_file", key.toString());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Options for a new server; {@link #start()} initialises and starts it. */
    public static final class Builder {

        private String superuser = "postgres";
        private String password = "pgcdc";
        private Duration startTimeout = Duration.ofSeconds(60);
        private Path binDir;
        private TestCertificateAuthority.ServerCertificate tls;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder superuser(String superuser) {
            this.superuser = Objects.requireNonNull(superuser);
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /** A postgresql.conf parameter, e.g. {@code setting("max_wal_size", "64MB")}; overrides the defaults. */
        public Builder setting(String name, String value) {
            settings.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** Serves TLS with {@code certificate} and refuses TCP connections without TLS; default: no TLS. */
        public Builder tls(TestCertificateAuthority.ServerCertificate certificate) {
            this.tls = Objects.requireNonNull(certificate);
            return this;
        }

        /** Defaults to {@code $PGCDC_PG_BIN}, else the highest version under /usr/lib/postgresql. */
        public Builder binDir(Path binDir) {
            this.binDir = Objects.requireNonNull(binDir);
            return this;
        }

        /** How long {@code start()} waits for connections to be accepted; default 60 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        /** @throws EngineStartException with the log tail when initdb fails or the server does not come up */
        public PostgresServer start() {
            return new PostgresServer(this);
        }
    }
}
