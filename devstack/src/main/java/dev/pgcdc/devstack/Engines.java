package dev.pgcdc.devstack;

import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The three engines the pipeline talks to, each started lazily on first access and stopped by
 * {@link #close()}. Two implementations: {@link LocalEngines} (processes on this machine; the default, and
 * the only one offering stop/restart control through {@link PostgresServer}, {@link KafkaServer} and
 * {@link ElasticsearchServer}) and Testcontainers (Docker), chosen by the system property
 * {@value #SYSTEM_PROPERTY}. Accessors are thread-safe and never return null.
 */
public interface Engines extends AutoCloseable {

    /** {@code local} (default) or {@code testcontainers}. */
    String SYSTEM_PROPERTY = "pgcdc.engines";

    enum Kind {
        LOCAL,
        TESTCONTAINERS
    }

    Kind kind();

    /** Starts PostgreSQL on first call; later calls return the same endpoint. */
    PostgresEndpoint postgres();

    /** Starts Kafka on first call; later calls return the same endpoint. */
    KafkaEndpoint kafka();

    /** Starts Elasticsearch (security off) on first call; later calls return the same endpoint. */
    ElasticsearchEndpoint elasticsearch();

    /** Stops every engine started so far and deletes its data. Idempotent. */
    @Override
    void close();

    /**
     * Engines of the kind named by {@value #SYSTEM_PROPERTY}. {@code testcontainers} without a usable Docker
     * falls back to local engines, with a warning, so the same test run works on machines without Docker.
     */
    static Engines fromSystemProperty() {
        String kind = System.getProperty(SYSTEM_PROPERTY, "local").strip().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "local":
                return new LocalEngines();
            case "testcontainers":
                if (ContainerEngines.dockerAvailable()) {
                    return new ContainerEngines();
                }
                LoggerFactory.getLogger(Engines.class).warn("{}=testcontainers, but Docker is not available; "
                        + "using local engines", SYSTEM_PROPERTY);
                return new LocalEngines();
            default:
                throw new IllegalArgumentException(SYSTEM_PROPERTY + "=" + kind
                        + " is not supported; use 'local' or 'testcontainers'");
        }
    }
}
