package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Elasticsearch on 127.0.0.1, from the distribution described in
 * {@link ElasticsearchDistribution} (9.x with a JDK 21+, else 8.19), with its own config copy, data, logs
 * and temp directories. Security is off unless {@link Builder#security(String)} sets a password for the
 * {@code elastic} user; HTTP is plain unless {@link Builder#https} also serves it over TLS with a
 * certificate from a {@link TestCertificateAuthority}. {@link #stop()}/{@link #start()} keep ports and data;
 * {@link #close()} stops the node and deletes everything. Runs as the OS user {@value ServerUser#NAME}
 * when this JVM is root. Methods are thread-safe.
 */
public final class ElasticsearchServer implements ElasticsearchEndpoint, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchServer.class);
    private static final String ENGINE = "Elasticsearch";
    private static final String SUPERUSER = "elastic";

    private final ElasticsearchDistribution distribution;
    private final int httpPort;
    private final int transportPort;
    private final Optional<Credentials> credentials;
    private final String heap;
    private final Duration startTimeout;
    private final Map<String, String> settings;
    private final ServerProcess process;
    private final TestCertificateAuthority ca;
    private final HttpClient http;
    private boolean closed;

    private ElasticsearchServer(Builder builder) {
        this.distribution = ElasticsearchDistribution.resolve(builder.version, builder.javaHome);
        this.httpPort = FreePorts.next();
        this.transportPort = FreePorts.next();
        this.credentials = Optional.ofNullable(builder.password).map(p -> new Credentials(SUPERUSER, p));
        this.heap = builder.heap;
        this.startTimeout = builder.startTimeout;
        this.ca = builder.ca;
        if (ca != null && credentials.isEmpty()) {
            throw new IllegalArgumentException("https needs security: call security(password) too");
        }
        this.http = httpClient(ca);
        this.process = new ServerProcess(ENGINE, "KILL");
        this.settings = settings(builder.settings);
        ShutdownHooks.register(this);
        try {
            prepareDirectories();
            if (ca != null) {
                installHttpCertificate();
            }
            start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String url() {
        return (ca != null ? "https" : "http") + "://127.0.0.1:" + httpPort;
    }

    @Override
    public String version() {
        return distribution.version();
    }

    @Override
    public Optional<Credentials> credentials() {
        return credentials;
    }

    /** @throws IllegalStateException when security is off */
    public String username() {
        return requireCredentials().username();
    }

    /** @throws IllegalStateException when security is off */
    public String password() {
        return requireCredentials().password();
    }

    /** The JDK the node runs on. */
    public Path javaHome() {
        return distribution.javaHome();
    }

    /** The node's console output; deleted by {@link #close()}. */
    public Path logFile() {
        return process.log();
    }

    public Path dataDir() {
        return process.directory().resolve("data");
    }

    public synchronized boolean isRunning() {
        return process.isAlive();
    }

    /** Process handles of the current run (launcher and server JVM), for leak checks. */
    public synchronized List<ProcessHandle> processTree() {
        return process.processTree();
    }

    /**
     * Starts the node again after {@link #stop()}, on the same ports with the same data, and waits until the
     * cluster health is at least yellow. Does nothing when already running.
     *
     * @throws EngineStartException with the log tail when it does not come up within the start timeout
     */
    public synchronized void start() {
        ensureOpen();
        if (process.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        List<String> command = new ArrayList<>();
        command.add(distribution.home().resolve("bin/elasticsearch").toString());
        settings.forEach((key, value) -> {
            command.add("-E");
            command.add(key + "=" + value);
        });
        Map<String, String> environment = new LinkedHashMap<>(esEnvironment());
        // Pre-touching the whole heap (the launcher's default) only slows a test node's start.
        environment.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + " -XX:-AlwaysPreTouch");
        process.launch(command, environment, process.directory(), true);
        process.awaitReady("cluster health yellow at " + url(), startTimeout, this::healthy);
        LOG.info("Elasticsearch {} ready at {} in {} ms (security {}, data {})", version(), url(),
                (System.nanoTime() - started) / 1_000_000, securityEnabled() ? "on" : "off", dataDir());
    }

    /** Stops the node (SIGTERM) and waits for it to exit, killing it after 30 s; data and ports are kept. */
    public synchronized void stop() {
        ensureOpen();
        if (!process.stop("TERM", Duration.ofSeconds(30))) {
            LOG.warn("Elasticsearch did not stop within 30 s after SIGTERM; killed it");
        }
    }

    /** Stops the node (killing it after 10 s) and deletes its directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // A clean stop takes well under a second and lets the JVMs remove their /tmp attach sockets.
            process.stop("TERM", Duration.ofSeconds(10));
            process.close();
        } finally {
            ShutdownHooks.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchServer[" + version() + " at " + url() + ", data " + dataDir() + "]";
    }

    private boolean healthy() throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                .timeout(Duration.ofSeconds(5));
        credentials.ifPresent(c -> request.header("Authorization", basicAuth(c)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
            throw new IllegalStateException("health check answered 401: " + response.body());
        }
        return response.statusCode() == 200;
    }

    private static String basicAuth(Credentials credentials) {
        String pair = credentials.username() + ":" + credentials.password();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, String> settings(Map<String, String> overrides) {
        Path directory = process.directory();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("cluster.name", "pgcdc-devstack");
        all.put("node.name", "devstack");
        all.put("discovery.type", "single-node");
        all.put("network.host", "127.0.0.1");
        all.put("http.port", Integer.toString(httpPort));
        all.put("transport.port", Integer.toString(transportPort));
        all.put("path.data", directory.resolve("data").toString());
        all.put("path.logs", directory.resolve("logs").toString());
        all.put("xpack.security.enabled", Boolean.toString(credentials.isPresent()));
        if (ca != null) {
            // Paths relative to the config directory, the only place the node may read them from.
            all.put("xpack.security.http.ssl.enabled", "true");
            all.put("xpack.security.http.ssl.certificate", "tls/http.pem");
            all.put("xpack.security.http.ssl.key", "tls/http.key");
        }
        // A nearly full developer disk must not turn indices read-only in the middle of a test.
        all.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        all.put("action.destructive_requires_name", "false");
        all.putAll(overrides);
        return all;
    }

    private Map<String, String> esEnvironment() {
        Path directory = process.directory();
        return Map.of(
                "ES_JAVA_HOME", distribution.javaHome().toString(),
                "ES_PATH_CONF", directory.resolve("config").toString(),
                "ES_TMPDIR", directory.resolve("tmp").toString());
    }

    private void prepareDirectories() {
        Path directory = process.directory();
        try {
            copyTree(distribution.home().resolve("config"), directory.resolve("config"));
            pinJvmOutputFiles(directory.resolve("config/jvm.options"), directory.resolve("logs"));
            for (String name : List.of("data", "logs", "tmp")) {
                Files.createDirectories(directory.resolve(name));
            }
            ServerUser.own(directory);
            if (credentials.isPresent()) {
                // bootstrap.password is a secure setting: it can only come from the keystore.
                Processes.Result result = Processes.run(ServerUser.wrap(List.of(
                                distribution.home().resolve("bin/elasticsearch-keystore").toString(),
                                "add", "--force", "--stdin", "bootstrap.password")),
                        esEnvironment(), directory, credentials.get().password(), startTimeout);
                Files.writeString(process.log(), result.output(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (result.exitCode() != 0) {
                    throw process.failure("elasticsearch-keystore exited with code " + result.exitCode(), null);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + directory, e);
        }
    }

    /**
     * A certificate signed by the CA for this node's HTTP layer, in config/tls, owned by the server user. The
     * node sends the CA certificate after its own, as Elasticsearch's auto-configured security does: clients
     * that pin the CA by fingerprint (e.g. {@code elasticsearch.ca_fingerprint}) find it only in the chain.
     */
    private void installHttpCertificate() {
        Path tls = process.directory().resolve("config/tls");
        TestCertificateAuthority.ServerCertificate certificate = ca.issueServerCertificate();
        try {
            Files.createDirectories(tls);
            Files.writeString(tls.resolve("http.pem"), Files.readString(certificate.certificate())
                    + Files.readString(ca.certificate()));
            Path key = Files.copy(certificate.privateKey(), tls.resolve("http.key"));
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the HTTP certificate in " + tls, e);
        }
        ServerUser.own(tls);
    }

    /** Trusts only {@code ca} when given (the health check speaks HTTPS then), else the JVM's defaults. */
    private static HttpClient httpClient(TestCertificateAuthority ca) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (ca != null) {
            builder.sslContext(ca.sslContext());
        }
        return builder.build();
    }

    /**
     * The shipped jvm.options name gc.log, hs_err and heap dumps relative to the working directory, which
     * 8.x sets to the (shared, read-only) distribution; point them into this instance's logs directory.
     */
    private static void pinJvmOutputFiles(Path jvmOptions, Path logs) throws IOException {
        String dir = Matcher.quoteReplacement(logs.toString());
        String text = Files.readString(jvmOptions)
                .replaceAll("(?m)^-XX:HeapDumpPath=.*$", "-XX:HeapDumpPath=" + dir)
                .replaceAll("(?m)^-XX:ErrorFile=(?:logs/)?", "-XX:ErrorFile=" + dir + "/")
                .replaceAll("(?m)^(-Xlog:.*:file=)(?:logs/)?gc\\.log", "$1" + dir + "/gc.log");
        Files.writeString(jvmOptions, text);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, target.resolve(source.relativize(path).toString()));
            }
        }
    }

    private Credentials requireCredentials() {
        return credentials.orElseThrow(() -> new IllegalStateException(this + " runs without security"));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Options for a new node; {@link #start()} prepares and starts it. */
    public static final class Builder {

        private final Map<String, String> settings = new LinkedHashMap<>();
        private String version;
        private Path javaHome;
        private String password;
        private TestCertificateAuthority ca;
        private String heap = "512m";
        private Duration startTimeout = Duration.ofSeconds(120);

        private Builder() {
        }

        /** A distribution version, e.g. {@code 8.19.0}; default: see {@link ElasticsearchServer}. */
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version);
            return this;
        }

        /** The JDK to run the node with; default {@code $PGCDC_ES_JAVA_HOME}, else the newest JDK 21+ found. */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome);
            return this;
        }

        /** Turns security on, with {@code password} for the {@code elastic} superuser (basic auth over HTTP). */
        public Builder security(String password) {
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /**
         * Serves HTTP over TLS only, with a certificate {@code ca} issues for localhost and 127.0.0.1; needs
         * {@link #security(String)}. {@link #url()} then starts with {@code https://}.
         */
        public Builder https(TestCertificateAuthority ca) {
            this.ca = Objects.requireNonNull(ca);
            return this;
        }

        /** A node setting, e.g. {@code setting("thread_pool.write.queue_size", "1")}; overrides defaults. */
        public Builder setting(String name, String value) {
            settings.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** Heap size, e.g. {@code 1g}; default 512m. */
        public Builder heap(String heap) {
            this.heap = Objects.requireNonNull(heap);
            return this;
        }

        /** How long {@code start()} waits for yellow health; default 120 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        /** @throws EngineStartException with the log tail when the node does not come up */
        public ElasticsearchServer start() {
            return new ElasticsearchServer(this);
        }
    }
}
