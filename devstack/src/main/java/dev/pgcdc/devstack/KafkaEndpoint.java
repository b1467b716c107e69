package dev.pgcdc.devstack;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Where a single Kafka broker listens (PLAINTEXT, no auth). Topics are auto-created on first use, but
 * {@link #createFreshTopic} gives a test a topic with a known partition count. Implemented by
 * {@link KafkaServer} and by the Testcontainers engine. Thread-safe.
 */
public interface KafkaEndpoint {

    /** {@code host:port} for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Creates a topic no other test uses, named {@code prefix_...}, replication factor 1; returns its name. */
    default String createFreshTopic(String prefix, int partitions) {
        String name = UniqueNames.next(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        return name;
    }
}
