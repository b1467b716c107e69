package dev.pgcdc.sink;

import dev.pgcdc.common.cli.TimeoutOption;
import dev.pgcdc.common.cli.ConfigFileOption;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.common.cli.Checks;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.sink.es.EsAuthException;
import dev.pgcdc.sink.es.EsConnection;
import dev.pgcdc.sink.es.EsUnavailableException;
import dev.pgcdc.sink.kafka.KafkaSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code es-sink check}: the configuration, then Kafka (reachable, credentials accepted, the topic,
 * the consumer group readable), then Elasticsearch (reachable, credentials accepted, a supported
 * version, the privileges the sink needs). One line per check; exit code 0 only when all pass.
 * Touches nothing: no index, template, topic or offset is created or changed.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the configuration and what the sink needs, one line per check with ok or FAIL and the fix.",
                "Changes nothing. Exit code 0 only when every check passes."})
final class SinkCheck implements Callable<Integer> {

    /** Major versions of Elasticsearch the sink is tested with. */
    static final List<Integer> SUPPORTED_MAJORS = List.of(8, 9);

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
            config = ConfigLoader.load(configFile, Daemon.SINK);
            checks.ok("config", configFile + " is valid (" + config.kafka().brokers().size() + " Kafka brokers, "
                    + config.elasticsearch().addresses().size() + " Elasticsearch addresses)");
        } catch (ConfigException e) {
            checks.fail("config", e.getMessage(), "correct the keys named above in " + configFile);
            checks.skip("kafka", "needs a valid configuration");
            checks.skip("elasticsearch", "needs a valid configuration");
            return checks.finish();
        }
        checkKafka(config.kafka(), timeout, checks);
        checkElasticsearch(config, timeout, checks);
        return checks.finish();
    }

    private static void checkKafka(KafkaConfig kafka, Duration timeout, Checks checks) {
        long millis = timeout.toMillis();
        try (Admin admin = Admin.create(KafkaSettings.admin(kafka, timeout))) {
            try {
                DescribeClusterResult cluster = admin.describeCluster();
                int brokers = cluster.nodes().get(millis, TimeUnit.MILLISECONDS).size();
                checks.ok("kafka connection", "cluster " + cluster.clusterId().get(millis, TimeUnit.MILLISECONDS) + ", "
                        + brokers + " brokers reachable via " + kafka.brokers());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    // The admin client's own deadline (the same timeout) can expire before ours: the same failure.
                    noBrokerAnswered(checks, kafka, timeout);
                    return;
                }
                failKafka(checks, "kafka connection", e.getCause(), kafka);
                checks.skip("kafka topic", "needs a Kafka connection");
                checks.skip("kafka consumer group", "needs a Kafka connection");
                return;
            } catch (TimeoutException e) {
                noBrokerAnswered(checks, kafka, timeout);
                return;
            }
            if (kafka.topicPattern() != null) {
                checks.ok("kafka topic", "topics matching " + kafka.topicPattern() + " are subscribed by pattern");
            } else {
                try {
                    Map<String, TopicDescription> topics = admin.describeTopics(List.of(kafka.topic())).allTopicNames()
                            .get(millis, TimeUnit.MILLISECONDS);
                    checks.ok("kafka topic", kafka.topic() + " has " + topics.get(kafka.topic()).partitions().size()
                            + " partitions");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        checks.ok("kafka topic", kafka.topic() + " does not exist yet; the replicator creates it when"
                                + " it starts, and the sink waits for it");
                    } else {
                        failKafka(checks, "kafka topic", e.getCause(), kafka);
                    }
                } catch (TimeoutException e) {
                    checks.fail("kafka topic", "describing " + kafka.topic() + " took longer than " + timeout.toSeconds()
                            + " s", "check that the brokers are healthy");
                }
            }
            try {
                admin.listConsumerGroupOffsets(kafka.groupId()).partitionsToOffsetAndMetadata()
                        .get(millis, TimeUnit.MILLISECONDS);
                checks.ok("kafka consumer group", kafka.groupId() + " is readable");
            } catch (ExecutionException e) {
                failKafka(checks, "kafka consumer group", e.getCause(), kafka);
            } catch (TimeoutException e) {
                checks.fail("kafka consumer group", "reading group " + kafka.groupId() + " took longer than "
                        + timeout.toSeconds() + " s", "check that the brokers (and the group coordinator) are healthy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.fail("kafka connection", "interrupted", "run the check again");
        } catch (RuntimeException e) {
            // e.g. a pass-through property the client rejects (ConfigException)
            checks.fail("kafka connection", "the Kafka client cannot start: " + e.getMessage(),
                    "fix kafka.properties (names and values as in the Kafka client documentation)");
        }
    }

    private static void noBrokerAnswered(Checks checks, KafkaConfig kafka, Duration timeout) {
        checks.fail("kafka connection", "no broker of " + kafka.brokers() + " answered within " + timeout.toSeconds()
                + " s", "check kafka.brokers, that Kafka runs, and that the address it advertises"
                + " (advertised.listeners) is reachable from here");
        checks.skip("kafka topic", "needs a Kafka connection");
        checks.skip("kafka consumer group", "needs a Kafka connection");
    }

    private static void failKafka(Checks checks, String name, Throwable cause, KafkaConfig kafka) {
        if (cause instanceof AuthenticationException) {
            checks.fail(name, "Kafka rejected the credentials (" + cause.getClass().getSimpleName() + ")",
                    "check kafka.properties: security.protocol, sasl.mechanism and sasl.jaas.config");
        } else if (cause instanceof AuthorizationException) {
            checks.fail(name, "Kafka denied access (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")",
                    "grant the principal Read and Describe on topic " + (kafka.topicPattern() != null
                            ? "pattern " + kafka.topicPattern() : kafka.topic()) + " and Read on group " + kafka.groupId()
                            + (kafka.deadLetterTopic() == null ? "" : ", and Write on topic " + kafka.deadLetterTopic()));
        } else {
            checks.fail(name, cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    "check kafka.brokers and that Kafka runs");
        }
    }

    private static void checkElasticsearch(PgcdcConfig config, Duration timeout, Checks checks) {
        try (EsConnection connection = new EsConnection(config.elasticsearch(), timeout)) {
            try {
                checks.ok("elasticsearch connection", connection.checkAccess() + " at " + connection.addresses());
            } catch (EsUnavailableException e) {
                checks.fail("elasticsearch connection", e.getMessage(), "check elasticsearch.addresses, that"
                        + " Elasticsearch runs, and for https:// the CA (elasticsearch.ca_certificate or ca_fingerprint)");
                checks.skip("elasticsearch version", "needs a connection");
                checks.skip("elasticsearch privileges", "needs a connection");
                return;
            } catch (SinkFatalException e) {
                checks.fail("elasticsearch connection", e.getMessage(), fixFor(e));
                checks.skip("elasticsearch version", "needs accepted credentials");
                checks.skip("elasticsearch privileges", "needs accepted credentials");
                return;
            }
            checkVersion(connection, checks);
            checkPrivileges(connection, config, checks);
        } catch (SinkFatalException e) {
            // e.g. an unreadable CA certificate file
            checks.fail("elasticsearch connection", e.getMessage(), fixFor(e));
        }
    }

    private static String fixFor(SinkFatalException e) {
        if (e instanceof EsAuthException auth) {
            return auth.credentialsRejected() ? "set elasticsearch.username and password (or api_key) to valid credentials"
                    : "grant the role the privileges listed in the README (Required privileges)";
        }
        return "see the message";
    }

    private static void checkVersion(EsConnection connection, Checks checks) {
        String version = null;
        try {
            version = connection.getJson("/").path("version").path("number").asText(null);
        } catch (EsUnavailableException | RuntimeException e) {
            // Some distributions do not serve GET /; the nodes info API has the version too.
        }
        if (version == null) {
            try {
                JsonNode nodes = connection.getJson("/_nodes/_local?filter_path=nodes.*.version").path("nodes");
                Iterator<JsonNode> it = nodes.elements();
                version = it.hasNext() ? it.next().path("version").asText(null) : null;
            } catch (EsUnavailableException | RuntimeException e) {
                checks.fail("elasticsearch version", "cannot read the version: " + e.getMessage(),
                        "grant the user the monitor cluster privilege, or check the cluster");
                return;
            }
        }
        if (version == null) {
            checks.fail("elasticsearch version", "the cluster did not report its version", "check the cluster");
            return;
        }
        int major;
        try {
            major = Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (RuntimeException e) {
            checks.fail("elasticsearch version", "unrecognised version '" + version + "'", "use Elasticsearch 8.x or 9.x");
            return;
        }
        if (SUPPORTED_MAJORS.contains(major)) {
            checks.ok("elasticsearch version", version + " is supported (8.x and 9.x are)");
        } else {
            checks.fail("elasticsearch version", version + " is not supported", "use Elasticsearch 8.x or 9.x");
        }
    }

    /**
     * Asks {@code _has_privileges} for what the sink does: write and create indexes under the
     * prefix, change their mappings, and install index templates. A cluster without security
     * answers with an error, which means everything is allowed.
     */
    private static void checkPrivileges(EsConnection connection, PgcdcConfig config, Checks checks) {
        String pattern = config.elasticsearch().indexPrefix() + "*";
        try {
            var response = connection.client().security().hasPrivileges(r -> r
                    .cluster("manage_index_templates")
                    .index(i -> i.names(pattern).privileges("create_index", "write", "read", "manage")));
            if (response.hasAllRequested()) {
                checks.ok("elasticsearch privileges", "user '" + response.username() + "' may manage index templates and"
                        + " create, write, read and manage " + pattern);
            } else {
                StringBuilder missing = new StringBuilder();
                response.cluster().forEach((privilege, granted) -> {
                    if (!granted) {
                        missing.append(" cluster:").append(privilege);
                    }
                });
                response.index().forEach((index, privileges) -> privileges.forEach((privilege, granted) -> {
                    if (!granted) {
                        missing.append(' ').append(index).append(':').append(privilege);
                    }
                }));
                checks.fail("elasticsearch privileges", "user '" + response.username() + "' lacks" + missing,
                        "give the user a role with cluster [manage_index_templates] and indices [" + pattern
                                + "] privileges [create_index, write, read, manage]");
            }
        } catch (Exception e) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("no handler found") || text.contains("security") && (text.contains("disabled")
                    || text.contains("not enabled"))) {
                checks.ok("elasticsearch privileges", "security is off on this cluster: every request is allowed");
            } else {
                checks.fail("elasticsearch privileges", "cannot ask _has_privileges: " + e.getClass().getSimpleName()
                        + ": " + text, "check the cluster; the user needs no extra privilege to ask");
            }
        }
    }
}
