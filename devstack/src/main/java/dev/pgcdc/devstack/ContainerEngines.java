package dev.pgcdc.devstack;

import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * {@link Engines} as Docker containers through Testcontainers, for machines with Docker and without the
 * local installs: PostgreSQL ({@code postgres:16}, {@code wal_level=logical}), Kafka ({@code apache/kafka})
 * and Elasticsearch 8.19 with security off, mirroring the local engines' settings. No stop/restart control.
 */
final class ContainerEngines implements Engines {

    private static final String PASSWORD = "pgcdc";

    private final Lazy<Container<PostgresEndpoint>> postgres = new Lazy<>("PostgreSQL container", () -> {
        PostgreSQLContainer container = new PostgreSQLContainer(Versions.postgresImage())
                .withUsername("postgres")
                .withPassword(PASSWORD)
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=20",
                        "-c", "max_wal_senders=20", "-c", "fsync=off");
        container.start();
        return new Container<>(container, new PostgresAddress(container.getHost(),
                container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT), "postgres", PASSWORD));
    });
    private final Lazy<Container<KafkaEndpoint>> kafka = new Lazy<>("Kafka container", () -> {
        KafkaContainer container = new KafkaContainer(Versions.kafkaImage())
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new Container<>(container, new KafkaAddress(container.getBootstrapServers()));
    });
    private final Lazy<Container<ElasticsearchEndpoint>> elasticsearch = new Lazy<>("Elasticsearch container", () -> {
        String image = Versions.elasticsearchImage();
        ElasticsearchContainer container = new ElasticsearchContainer(image)
                .withEnv("xpack.security.enabled", "false")
                .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
        container.start();
        return new Container<>(container, new ElasticsearchAddress("http://" + container.getHttpHostAddress(),
                image.substring(image.lastIndexOf(':') + 1)));
    });

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Kind kind() {
        return Kind.TESTCONTAINERS;
    }

    @Override
    public PostgresEndpoint postgres() {
        return postgres.get().endpoint();
    }

    @Override
    public KafkaEndpoint kafka() {
        return kafka.get().endpoint();
    }

    @Override
    public ElasticsearchEndpoint elasticsearch() {
        return elasticsearch.get().endpoint();
    }

    @Override
    public void close() {
        IllegalStateException failure = null;
        for (Lazy<?> engine : List.of(elasticsearch, kafka, postgres)) {
            try {
                engine.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the containers failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private record Container<E>(GenericContainer<?> container, E endpoint)
            implements AutoCloseable {

        @Override
        public void close() {
            container.stop();
        }
    }

    private record PostgresAddress(String host, int port, String superuser, String password)
            implements PostgresEndpoint {

        @Override
        public String toString() {
            return "PostgresAddress[" + host + ":" + port + ", superuser " + superuser + "]";
        }
    }

    private record KafkaAddress(String bootstrapServers) implements KafkaEndpoint {
    }

    private record ElasticsearchAddress(String url, String version) implements ElasticsearchEndpoint {

        @Override
        public Optional<Credentials> credentials() {
            return Optional.empty();
        }
    }
}
