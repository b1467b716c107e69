package dev.pgcdc.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A daemon's meter registry in the Prometheus format, with the JVM's memory, GC, thread, class
 * loader, CPU, file descriptor and uptime meters bound, and {@code pgcdc_build_info{daemon,version}}
 * (always 1). The pipeline meters are {@link SinkMetrics} and {@link ReplicatorMetrics}; their names
 * are the contract with the Grafana dashboard in {@code docker/grafana}.
 *
 * <p>Thread-safe. {@link #close()} unbinds the GC listener.
 */
public final class Metrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;

    public Metrics(String daemon, String version) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("pgcdc.build.info", () -> 1)
                .description("Always 1; the daemon and its version are the labels")
                .tags("daemon", daemon, "version", version)
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Everything in the Prometheus text format, as {@code /metrics} serves it. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
