package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Kafka broker in KRaft combined mode (broker and controller in one process) on 127.0.0.1, run as
 * a child JVM ({@code kafka.Kafka}) from this JVM's class path, so the broker is exactly the
 * {@code kafka_2.13} version this module depends on. Storage is formatted into a temporary directory on
 * the first start; {@link #stop()} and {@link #start()} keep ports and data, so tests can simulate broker
 * outages. {@link #close()} kills the broker and deletes the data. Methods are thread-safe.
 *
 * <p>Defaults suit one-node tests: replication factors 1, auto topic creation on, no initial rebalance
 * delay, one partition for internal topics. Override any of them with {@link Builder#brokerProperty}.
 */
public final class KafkaServer implements KafkaEndpoint, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);
    private static final String ENGINE = "Kafka";
    private static final String CHILD_LOGGER = "dev.pgcdc.devstack.internal.ConsoleLoggerProvider";
    private static final String BROKER_MAIN = "dev.pgcdc.devstack.internal.KafkaBrokerMain";

    private final int port;
    private final int controllerPort;
    private final Duration startTimeout;
    private final List<String> jvmOptions;
    private final ServerProcess process;
    private final Path properties;
    private final String clusterId = Uuid.randomUuid().toString();
    private boolean closed;

    private KafkaServer(Builder builder) {
        this.port = FreePorts.next();
        this.controllerPort = FreePorts.next();
        this.startTimeout = builder.startTimeout;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.process = new ServerProcess(ENGINE, "KILL");
        this.properties = process.directory().resolve("server.properties");
        ShutdownHooks.register(this);
        try {
            writeProperties(builder.brokerProperties);
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
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return process.directory().resolve("data");
    }

    /** The broker's stdout/stderr; deleted by {@link #close()}. */
    public Path logFile() {
        return process.log();
    }

    public synchronized boolean isRunning() {
        return process.isAlive();
    }

    /** Pid of the broker JVM of the current run. */
    public synchronized long pid() {
        return process.pid();
    }

    /**
     * Starts the broker again after {@link #stop()}, on the same ports with the same data, and waits until
     * an admin client can describe the cluster. Does nothing when already running.
     *
     * @throws EngineStartException with the log tail when it does not come up within the start timeout
     */
    public synchronized void start() {
        ensureOpen();
        if (process.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(javaCommand());
        command.add(BROKER_MAIN);
        command.add(properties.toString());
        command.add(clusterId);
        process.launch(command, Map.of(), process.directory(), false);
        process.awaitReady("listening on " + bootstrapServers(), startTimeout, this::portOpen);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
            process.awaitReady("serving metadata on " + bootstrapServers(), startTimeout,
                    () -> !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty());
        }
        LOG.info("Kafka broker ready on {} in {} ms (data {})", bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000, dataDir());
    }

    /**
     * Shuts the broker down (SIGTERM, a controlled shutdown) and waits for it to exit, killing it after 30 s;
     * data and ports are kept. Clients see the broker as unavailable until {@link #start()}.
     */
    public synchronized void stop() {
        ensureOpen();
        if (!process.stop("TERM", Duration.ofSeconds(30))) {
            LOG.warn("Kafka broker did not stop within 30 s after SIGTERM; killed it");
        }
    }

    /** Kills the broker and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.close();
        } finally {
            ShutdownHooks.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "KafkaServer[" + bootstrapServers() + ", data " + dataDir() + "]";
    }

    private boolean portOpen() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
    }

    private void writeProperties(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("log.dirs", dataDir().toString());
        settings.put("num.partitions", "1");
        settings.put("auto.create.topics.enable", "true");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.putAll(overrides);
        StringBuilder text = new StringBuilder("# Written by pgcdc devstack\n");
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.writeString(properties, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> javaCommand() {
        // The broker runs in its own data directory, so relative class path entries must be made absolute.
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        if (Thread.currentThread().getContextClassLoader().getResource("kafka/Kafka.class") == null
                && ClassLoader.getSystemResource("kafka/Kafka.class") == null) {
            throw new IllegalStateException("kafka.Kafka is not on the class path; the broker runs from this JVM's "
                    + "class path, so add org.apache.kafka:kafka_2.13 (a dependency of devstack) to it");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // The broker logs through SLF4J; this JVM's provider (if any, e.g. logback with the tests' config)
        // is not meant for it, so pick a plain console one explicitly; its output goes to the log file.
        command.add("-Dslf4j.provider=" + CHILD_LOGGER);
        command.add("-cp");
        command.add(classPath);
        return command;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Options for a new broker; {@link #start()} formats storage and starts it. */
    public static final class Builder {

        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xms128m", "-Xmx512m",
                "-Djava.awt.headless=true"));
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** A broker property, e.g. {@code brokerProperty("message.max.bytes", "2000000")}; overrides defaults. */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** An extra option for the broker JVM, e.g. {@code -Xmx1g} (later options win). */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option));
            return this;
        }

        /** How long {@code start()} waits for the broker to serve metadata; default 60 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        /** @throws EngineStartException with the log tail when the broker does not come up */
        public KafkaServer start() {
            return new KafkaServer(this);
        }
    }
}
