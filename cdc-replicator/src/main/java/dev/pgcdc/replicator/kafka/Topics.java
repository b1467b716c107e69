package dev.pgcdc.replicator.kafka;

import dev.pgcdc.common.config.KafkaConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the change topics that do not exist yet, with the configured partitions and replication factor. */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    /**
     * Makes sure every topic in {@code names} exists.
     *
     * @throws RuntimeException a {@link dev.pgcdc.replicator.FatalException} or
     *     {@link dev.pgcdc.replicator.RetriableException} (see {@link KafkaErrors})
     */
    public static void ensure(KafkaConfig config, Set<String> names) {
        Properties props = new Properties();
        props.putAll(config.properties().values());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers()));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pgcdc-replicator-admin");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, config.topicPartitions(), config.topicReplicationFactor()));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            CreateTopicsResult result = admin.createTopics(missing);
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.info("created Kafka topic {} ({} partitions, replication factor {})", entry.getKey(),
                            config.topicPartitions(), config.topicReplicationFactor());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException e) {
            throw KafkaErrors.classify("creating Kafka topics " + names, e.getCause());
        } catch (TimeoutException e) {
            throw KafkaErrors.classify("creating Kafka topics " + names + " (no answer in 30 s)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaErrors.classify("creating Kafka topics " + names + " (interrupted)",
                    new org.apache.kafka.common.errors.InterruptException(e));
        } catch (org.apache.kafka.common.KafkaException e) {
            throw KafkaErrors.classify("creating Kafka topics " + names, e);
        }
    }
}
