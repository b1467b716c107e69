package dev.pgcdc.devstack.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Entry point of the broker JVM that {@code KafkaServer} starts: formats the storage on the first run
 * (saving a separate JVM start for {@code kafka-storage format}), then runs {@code kafka.Kafka}.
 * Arguments: the server.properties path and the cluster id to format with. Not a public API.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain SERVER_PROPERTIES CLUSTER_ID");
            System.exit(2);
        }
        String serverProperties = args[0];
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(serverProperties))) {
            properties.load(reader);
        }
        Path logDir = Path.of(properties.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            int exitCode = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--cluster-id", args[1], "--config", serverProperties}, System.out);
            if (exitCode != 0) {
                System.err.println("formatting " + logDir + " failed with exit code " + exitCode);
                System.exit(exitCode);
            }
        }
        kafka.Kafka.main(new String[] {serverProperties});
    }
}
