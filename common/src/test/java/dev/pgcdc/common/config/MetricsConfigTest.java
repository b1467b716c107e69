package dev.pgcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsConfigTest {

    private static final String KAFKA = "kafka:\n  brokers: [localhost:9092]\nelasticsearch:\n  addresses: [http://localhost:9200]\n";

    private static PgcdcConfig parse(String yaml) {
        return ConfigLoader.parse(KAFKA + yaml, "config.yaml", Daemon.SINK, name -> null);
    }

    @Test
    void givesEachDaemonItsOwnPortOnEveryInterfaceByDefault() {
        MetricsConfig metrics = parse("").metrics();
        assertThat(metrics).isEqualTo(MetricsConfig.DEFAULTS);
        assertThat(metrics.portFor(Daemon.REPLICATOR)).isEqualTo(8081);
        assertThat(metrics.portFor(Daemon.SINK)).isEqualTo(8082);
        assertThat(metrics.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void readsHostAndPortsAndZeroTurnsAnEndpointOff() {
        MetricsConfig metrics = parse("metrics:\n  host: 127.0.0.1\n  replicator_port: 0\n  sink_port: 9102\n").metrics();
        assertThat(metrics).isEqualTo(new MetricsConfig("127.0.0.1", 0, 9102));
    }

    @Test
    void rejectsTheSamePortForBothDaemonsAndPortsOutOfRangeNamingTheKey() {
        assertThatThrownBy(() -> parse("metrics:\n  replicator_port: 9000\n  sink_port: 9000\n"))
                .hasMessageContaining("metrics.sink_port").hasMessageContaining("same as replicator_port");
        assertThatThrownBy(() -> parse("metrics:\n  sink_port: 70000\n"))
                .hasMessageContaining("metrics.sink_port").hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> parse("metrics:\n  sinkport: 1\n")).hasMessageContaining("did you mean 'sink_port'");
    }
}
