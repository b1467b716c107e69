package dev.pgcdc.sink;

import dev.pgcdc.common.cli.ConfigFileOption;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.health.Health;
import dev.pgcdc.common.health.HealthServer;
import dev.pgcdc.common.logging.Logging;
import dev.pgcdc.common.logging.LogsCommand;
import dev.pgcdc.common.metrics.Metrics;
import dev.pgcdc.common.metrics.SinkMetrics;
import dev.pgcdc.common.retry.Backoff;
import dev.pgcdc.sink.es.BulkWriter;
import dev.pgcdc.sink.es.EsConnection;
import dev.pgcdc.sink.es.EsUnavailableException;
import dev.pgcdc.sink.es.IndexAdmin;
import dev.pgcdc.sink.index.EventMapper;
import dev.pgcdc.sink.index.FieldMappings;
import dev.pgcdc.sink.index.IndexNames;
import dev.pgcdc.sink.index.Templates;
import dev.pgcdc.sink.kafka.DeadLetters;
import dev.pgcdc.sink.kafka.KafkaSettings;
import dev.pgcdc.sink.kafka.OffsetTracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Composition root of the Elasticsearch sink: loads the configuration, wires the Kafka consumer,
 * the event mapper, the Elasticsearch client and the loop, and handles SIGTERM/SIGINT (stop
 * polling, finish or abandon the current bulk, commit only acknowledged offsets, exit 0 within
 * 10 s).
 *
 * <p>While running it serves {@code /health} and {@code /metrics} on {@code metrics.sink_port}
 * (see {@link HealthServer}).
 *
 * <p>Exit codes: 0 stopped on request (or, for {@code check}, every check passed), 1 fatal error
 * (e.g. rejected credentials, a record that can never be applied and no dead-letter topic; a
 * failed check), 2 bad configuration or command line.
 */
@Command(name = "es-sink", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Consumes pgcdc change events from Kafka and keeps one Elasticsearch index per table equal to it.",
                "Without a subcommand it runs the sink, like 'run'."},
        footer = {"", "Exit codes: 0 stopped on request (check: all passed), 1 fatal error or a failed check,"
                + " 2 bad configuration or command line.",
                "While running: GET /health, /health/live, /health/ready and /metrics on metrics.sink_port (default 8082)."},
        subcommands = {Main.Run.class, SinkCheck.class, SinkStatus.class, LogsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);
    /** SIGTERM must end the process within 10 s; this leaves time to commit and close. */
    private static final Duration GRACE = Duration.ofSeconds(6);

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

    /** {@code es-sink run --config FILE}: the same as without a subcommand. */
    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Run the sink (the default): consume, apply to Elasticsearch, commit acknowledged offsets."
                    + " SIGTERM or Ctrl-C stops it within 10 s.")
    static final class Run implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Override
        public Integer call() {
            return run(config.file());
        }
    }

    static int run(Path configFile) {
        PgcdcConfig config;
        try {
            config = ConfigLoader.load(configFile, Daemon.SINK);
        } catch (ConfigException e) {
            System.err.println("es-sink: " + e.getMessage());
            return 2;
        }
        try (Logging logging = Logging.configure(config.logging(), "es-sink")) {
            Sink sink = new Sink(config);
            installSignalHandlers(sink);
            try {
                sink.run();
                return 0;
            } catch (SinkFatalException e) {
                log.error("es-sink stops: {}", e.getMessage());
                System.err.println("es-sink: " + e.getMessage());
                return 1;
            } catch (RuntimeException e) {
                log.error("es-sink stops on an unexpected error", e);
                return 1;
            }
        }
    }

    @SuppressWarnings("sunapi")
    private static void installSignalHandlers(Sink sink) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    Thread stopper = new Thread(sink::shutdown, "es-sink-shutdown");
                    stopper.setDaemon(true);
                    stopper.start();
                });
            } catch (IllegalArgumentException e) {
                log.debug("signal {} cannot be handled here", name);
            }
        }
    }

    /**
     * The wired sink; {@link #run} on the main thread, {@link #shutdown} from a signal thread. Owns
     * the meter registry, the health state and the HTTP endpoint.
     */
    static final class Sink {
        private final PgcdcConfig config;
        private final Clock clock = Clock.systemUTC();
        private final Health health = new Health(clock);
        private volatile SinkLoop loop;
        private volatile EsConnection es;
        private volatile boolean stopRequested;
        private volatile int httpPort = -1;

        Sink(PgcdcConfig config) {
            this.config = config;
        }

        /** The port /health and /metrics are served on once {@link #run} started; -1 before or when off. */
        int httpPort() {
            return httpPort;
        }

        Health health() {
            return health;
        }

        void run() {
            try (Metrics metrics = new Metrics("es-sink", version());
                 HealthServer server = startHttp(metrics)) {
                runWired(new SinkMetrics(metrics.registry(), clock));
                health.stopping("stopped");
            } catch (SinkFatalException e) {
                health.failed(e.getMessage());
                throw e;
            }
        }

        private HealthServer startHttp(Metrics metrics) {
            int port = config.metrics().sinkPort();
            if (port == 0) {
                log.info("metrics.sink_port is 0: not serving /health and /metrics");
                return null;
            }
            try {
                HealthServer server = HealthServer.start(config.metrics().host(), port, "es-sink", version(), health,
                        metrics.registry());
                httpPort = server.port();
                return server;
            } catch (UncheckedIOException e) {
                // Monitoring must not stop the data path: run on, say so loudly (a health check will notice).
                log.error("{}; running without /health and /metrics", e.getMessage());
                return null;
            }
        }

        private void runWired(SinkMetrics sinkMetrics) {
            SinkConfig sinkConfig = config.sink();
            KafkaConfig kafka = config.kafka();
            IndexNames names = new IndexNames(config.elasticsearch(), sinkConfig);
            Backoff backoff = Backoff.exponential(sinkConfig.retryInitialBackoff(), sinkConfig.retryMaxBackoff());
            try (EsConnection connection = new EsConnection(config.elasticsearch(), sinkConfig.requestTimeout())) {
                es = connection;
                health.starting("connecting to Elasticsearch at " + connection.addresses());
                String version = awaitElasticsearch(connection, backoff);
                if (version == null) {
                    return;
                }
                log.info("connected to Elasticsearch {} at {}", version, connection.addresses());
                IndexAdmin admin = new IndexAdmin(connection, FieldMappings.from(sinkConfig));
                installTemplates(admin, names, sinkConfig);
                OffsetTracker offsets = new OffsetTracker();
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaSettings.consumer(kafka));
                     DeadLetters deadLetters = new DeadLetters(kafka.deadLetterTopic(), kafka.deadLetterTopic() == null
                             ? null : new KafkaProducer<>(KafkaSettings.deadLetterProducer(kafka)))) {
                    if (kafka.deadLetterTopic() == null) {
                        log.warn("no kafka.dead_letter_topic configured: a record that can never be applied stops the sink");
                    }
                    health.starting("joining consumer group " + kafka.groupId());
                    SinkLoop sinkLoop = new SinkLoop(consumer, new EventMapper(names, sinkConfig.metadataField(),
                            sinkConfig.changeLog()), offsets, List.of(kafka.topic()), KafkaSettings.topicRegex(kafka),
                            // A batch holds one round of bulk requests, sent together by the applier.
                            sinkConfig.bulkMaxActions() * sinkConfig.maxInFlightRequests(),
                            sinkConfig.bulkMaxBytes() * sinkConfig.maxInFlightRequests(), sinkConfig.linger(),
                            sinkConfig.flushInterval(),
                            clock, sinkMetrics, health);
                    try (Applier applier = new Applier(new BulkWriter(connection, sinkConfig.metadataField()), admin,
                            names, sinkConfig.metadataField(), deadLetters, offsets, backoff, sinkConfig.bulkMaxActions(),
                            sinkConfig.bulkMaxBytes(), sinkConfig.maxInFlightRequests(), sinkLoop::await, sinkMetrics, clock,
                            sinkLoop::partitionCount)) {
                        sinkLoop.applier(applier);
                        loop = sinkLoop;
                        if (stopRequested) {
                            return;
                        }
                        sinkLoop.run();
                    }
                    log.info("es-sink stopped; {} events dead-lettered since start", deadLetters.count());
                }
            }
        }

        /** Called on a signal thread: stop the loop; if a bulk request hangs, abort it. */
        void shutdown() {
            stopRequested = true;
            health.stopping("stop requested");
            SinkLoop current = loop;
            log.info("stop requested: finishing the current bulk request, committing acknowledged offsets");
            if (current == null) {
                return;
            }
            current.stop();
            try {
                if (!current.awaitFinished(GRACE)) {
                    log.warn("the current bulk request did not finish within {} s; abandoning it", GRACE.toSeconds());
                    EsConnection connection = es;
                    if (connection != null) {
                        connection.close();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private String awaitElasticsearch(EsConnection connection, Backoff backoff) {
            int attempt = 0;
            while (!stopRequested) {
                try {
                    return connection.checkAccess();
                } catch (EsUnavailableException e) {
                    Duration delay = backoff.delay(++attempt, ThreadLocalRandom.current().nextDouble());
                    health.notReady("Elasticsearch is not reachable: " + e.getMessage());
                    log.warn("Elasticsearch is not reachable ({}); retrying in {} ms", e.getMessage(), delay.toMillis());
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                }
            }
            return null;
        }

        private void installTemplates(IndexAdmin admin, IndexNames names, SinkConfig sinkConfig) {
            Templates templates = new Templates(names, sinkConfig.metadataField());
            Backoff backoff = Backoff.exponential(sinkConfig.retryInitialBackoff(), sinkConfig.retryMaxBackoff());
            for (int attempt = 0; ; attempt++) {
                try {
                    admin.putTemplate(templates.mirrorName(), templates.mirror());
                    admin.putTemplate(templates.changeLogName(), templates.changeLog());
                    admin.putTemplate(templates.tombstoneName(), templates.tombstones());
                    for (Map.Entry<TableId, Path> user : sinkConfig.indexTemplates().entrySet()) {
                        String index = names.mirror(user.getKey());
                        admin.putTemplate(Templates.tableName(index), templates.userTable(index, readJson(user.getValue())));
                    }
                    return;
                } catch (EsUnavailableException e) {
                    if (stopRequested) {
                        return;
                    }
                    Duration delay = backoff.delay(attempt + 1, ThreadLocalRandom.current().nextDouble());
                    log.warn("installing index templates failed ({}); retrying in {} ms", e.getMessage(), delay.toMillis());
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                    throw new SinkFatalException("Elasticsearch refused an index template (" + e.getMessage()
                            + "); check sink.index_templates", e);
                }
            }
        }

        private static JsonNode readJson(Path file) {
            try {
                JsonNode node = ChangeEventCodec.readTree(Files.readAllBytes(file));
                if (node == null || !node.isObject()) {
                    throw new SinkFatalException("sink.index_templates: " + file + " must hold a JSON object with"
                            + " settings and/or mappings");
                }
                return node;
            } catch (IOException e) {
                throw new SinkFatalException("sink.index_templates: cannot read " + file + " as JSON ("
                        + e.getClass().getSimpleName() + "); fix the file or the path", e);
            }
        }
    }

    /** The version from the jar manifest; "dev" when run from classes. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"es-sink " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
