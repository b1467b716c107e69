package dev.pgcdc.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void ticksAreUtimePlusStimeCountedAfterACommandNameWithSpacesAndParentheses() {
        String stat = "1234 (kafka-producer (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 12345";
        assertThat(ProcFs.parseTicks(stat)).isEqualTo(300);
    }

    @Test
    void thisJvmHasUsedCpuAndHasAPeakResidentSetSize() {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcFs.cpuTicks(pid)).isPositive();
        long rss = ProcFs.rssKib(pid); // read first: the peak can only have grown since
        assertThat(ProcFs.peakRssKib(pid)).isGreaterThanOrEqualTo(rss).isPositive();
        assertThat(ProcFs.threads(pid)).hasSizeGreaterThan(1).allMatch(t -> !t.name().isEmpty());
    }

    @Test
    void aProcessThatIsGoneReadsAsZero() {
        assertThat(ProcFs.cpuTicks(Long.MAX_VALUE)).isZero();
        assertThat(ProcFs.peakRssKib(Long.MAX_VALUE)).isZero();
        assertThat(ProcFs.threads(Long.MAX_VALUE)).isEmpty();
    }
}
