package dev.pgcdc.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void aThreadAtFullCoreIsReportedAsSaturated() {
        CpuMeter.Usage usage = new CpuMeter.Usage(10, 150, Map.of(
                "replicator", new CpuMeter.ProcessUsage(110, List.of(new CpuMeter.ThreadUsage("main", 97),
                        new CpuMeter.ThreadUsage("kafka-producer-network-thread", 10))),
                "kafka", new CpuMeter.ProcessUsage(30, List.of())));
        assertThat(usage.verdict(2)).isEqualTo("saturated: replicator thread 'main' at 97%");
        assertThat(usage.describe()).startsWith("saturated: replicator thread 'main' at 97%: replicator 110% (main 97%,")
                .endsWith("; kafka 30%; other processes 10%; machine 150%");
    }

    @Test
    void allCoresBusyWithoutASaturatedThreadIsTheMachine() {
        CpuMeter.Usage usage = new CpuMeter.Usage(10, 190, Map.of(
                "es-sink", new CpuMeter.ProcessUsage(60, List.of(new CpuMeter.ThreadUsage("main", 40)))));
        assertThat(usage.verdict(2)).isEqualTo("machine CPU-bound (all 2 cores busy)");
    }

    @Test
    void lowCpuEverywhereMeansWaiting() {
        CpuMeter.Usage usage = new CpuMeter.Usage(10, 40, Map.of("es-sink", new CpuMeter.ProcessUsage(20, List.of())));
        assertThat(usage.verdict(2)).startsWith("not CPU-bound");
    }

    @Test
    void measuresABusyThreadOfThisProcess() throws InterruptedException {
        CpuMeter meter = new CpuMeter().add("self", () -> List.of(ProcessHandle.current().pid()), true);
        meter.start();
        long end = System.nanoTime() + 600_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin++;
        }
        CpuMeter.Usage usage = meter.stop();
        assertThat(spin).isPositive();
        assertThat(usage.processes().get("self").percentOfCore()).as(usage.describe()).isGreaterThan(20);
        assertThat(usage.processes().get("self").topThreads()).isNotEmpty();
    }
}
