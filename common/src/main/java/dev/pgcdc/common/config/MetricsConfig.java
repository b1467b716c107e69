package dev.pgcdc.common.config;

/**
 * The {@code metrics} section: where each daemon serves {@code /health} and {@code /metrics}. The
 * two daemons share one configuration file, so each has its own port.
 *
 * @param host address both daemons bind to (key {@code host}); {@code 0.0.0.0} for every
 *     interface (what a container needs), {@code 127.0.0.1} to keep the endpoints local
 * @param replicatorPort the replicator's port (key {@code replicator_port}); 0 turns its
 *     endpoint off
 * @param sinkPort the sink's port (key {@code sink_port}); 0 turns its endpoint off
 */
public record MetricsConfig(String host, int replicatorPort, int sinkPort) {

    public static final MetricsConfig DEFAULTS = new MetricsConfig("0.0.0.0", 8081, 8082);

    /** The port of {@code daemon}'s endpoint; 0 when it is off. */
    public int portFor(Daemon daemon) {
        return switch (daemon) {
            case REPLICATOR -> replicatorPort;
            case SINK -> sinkPort;
            case ANY -> 0;
        };
    }

    static MetricsConfig from(ConfigNode node) {
        String host = node.string("host", DEFAULTS.host());
        if (host.isBlank()) {
            node.problem("host", "must not be empty; use 0.0.0.0 for every interface or 127.0.0.1 for local only");
        }
        int replicatorPort = node.integer("replicator_port", DEFAULTS.replicatorPort(), 0, 65535);
        int sinkPort = node.integer("sink_port", DEFAULTS.sinkPort(), 0, 65535);
        if (replicatorPort != 0 && replicatorPort == sinkPort) {
            node.problem("sink_port", "is the same as replicator_port (" + sinkPort + "); both daemons may run on one"
                    + " host, so give them different ports, e.g. 8081 and 8082");
        }
        return new MetricsConfig(host.isBlank() ? DEFAULTS.host() : host, replicatorPort, sinkPort);
    }
}
