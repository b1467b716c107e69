package dev.pgcdc.common.config;

/**
 * The whole configuration file. One file serves both daemons; a section a daemon does not need
 * may be absent (then it is null here), but whatever is present is checked in full, so a typo is
 * reported by either daemon.
 */
public record PgcdcConfig(
        PostgresConfig postgres,
        KafkaConfig kafka,
        ElasticsearchConfig elasticsearch,
        ReplicatorConfig replicator,
        SinkConfig sink,
        LoggingConfig logging,
        MetricsConfig metrics) {

    static PgcdcConfig from(ConfigNode root, Daemon daemon) {
        PostgresConfig postgres = required(root, "postgres", daemon == Daemon.REPLICATOR)
                ? PostgresConfig.from(root.section("postgres")) : null;
        KafkaConfig kafka = required(root, "kafka", daemon == Daemon.REPLICATOR || daemon == Daemon.SINK)
                ? KafkaConfig.from(root.section("kafka")) : null;
        ElasticsearchConfig elasticsearch = required(root, "elasticsearch", daemon == Daemon.SINK)
                ? ElasticsearchConfig.from(root.section("elasticsearch")) : null;
        ReplicatorConfig replicator = ReplicatorConfig.from(root.section("replicator"));
        SinkConfig sink = SinkConfig.from(root.section("sink"));
        LoggingConfig logging = LoggingConfig.from(root.section("logging"));
        MetricsConfig metrics = MetricsConfig.from(root.section("metrics"));
        return new PgcdcConfig(postgres, kafka, elasticsearch, replicator, sink, logging, metrics);
    }

    /** True when the section should be parsed; records a problem when it is required but absent. */
    private static boolean required(ConfigNode root, String section, boolean required) {
        if (root.has(section)) {
            return true;
        }
        if (required) {
            root.problem(section, "required section is missing; see config.yaml in the project for an example");
        }
        return false;
    }
}
