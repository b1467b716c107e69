package dev.pgcdc.replicator.it;

import dev.pgcdc.devstack.LocalEngines;
import dev.pgcdc.devstack.KafkaServer;
import dev.pgcdc.devstack.PostgresServer;

/**
 * One real PostgreSQL and one real Kafka shared by every integration test of the module (started
 * on first use, stopped when the JVM exits). A test that stops an engine restarts it before it
 * returns.
 */
final class TestStack {

    private static final LocalEngines ENGINES = new LocalEngines();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ENGINES::close, "test-engines-close"));
    }

    private TestStack() {
    }

    static PostgresServer postgres() {
        return ENGINES.postgres();
    }

    static KafkaServer kafka() {
        return ENGINES.kafka();
    }
}
