package dev.pgcdc.bench;

import dev.pgcdc.bench.measure.ProcFs;
import dev.pgcdc.bench.run.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The machine and versions a run measured on, for the report header. */
final class MachineInfo {

    private MachineInfo() {
    }

    static void describe(Map<String, Object> machine, Stack stack) {
        machine.put("cpu", cpuModel());
        machine.put("cores (available to the JVM)", Runtime.getRuntime().availableProcessors());
        machine.put("memory", meminfo("MemTotal:"));
        machine.put("kernel", read("/proc/sys/kernel/osrelease").trim());
        machine.put("java (harness, daemons, Debezium)", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        try {
            machine.put("postgresql", stack.postgresVersion() + " (fsync=off, as the devstack runs it)");
        } catch (Exception e) {
            machine.put("postgresql", "unknown: " + e.getMessage());
        }
        machine.put("kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion() + " (one KRaft broker, -Xmx1g)");
        machine.put("elasticsearch", stack.elasticsearch().version() + " (one node, heap 1g, on "
                + javaVersion(stack.elasticsearch().javaHome()) + ")");
        machine.put("debezium", io.debezium.engine.DebeziumEngine.class.getPackage().getImplementationVersion() == null
                ? "see bench/pom.xml" : io.debezium.engine.DebeziumEngine.class.getPackage().getImplementationVersion());
        machine.put("load average at start (1/5/15 min)", loadAverage());
    }

    /** The commit the daemons were built from, and whether the work tree had changes (work in progress). */
    static String build() {
        try {
            Process head = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String sha = new String(head.getInputStream().readAllBytes()).trim();
            Process status = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").start();
            boolean dirty = !new String(status.getInputStream().readAllBytes()).isBlank();
            return "git " + sha + (dirty ? " plus uncommitted changes in the work tree (jars copied at the start)" : "");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static String loadAverage() {
        double[] load = ProcFs.loadAverage();
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", load[0], load[1], load[2]);
    }

    private static String javaVersion(Path javaHome) {
        String release = read(javaHome.resolve("release").toString());
        return release.lines().filter(l -> l.startsWith("JAVA_VERSION=")).map(l -> "Java " + l.substring(13).replace("\"", ""))
                .findFirst().orElse(javaHome.toString());
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1)
                .trim()).findFirst().orElse("unknown");
    }

    private static String meminfo(String field) {
        return read("/proc/meminfo").lines().filter(l -> l.startsWith(field))
                .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]) / 1024.0 / 1024.0))
                .findFirst().orElse("unknown");
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }
}
