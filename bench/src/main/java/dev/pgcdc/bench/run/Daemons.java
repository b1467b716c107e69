package dev.pgcdc.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * Starts the project's daemons from their shaded jars, as a user would ({@code java -jar ...
 * --config FILE}), in child processes so that their CPU and memory are theirs alone, with their
 * documented JVM options unless a run asks for others.
 */
public final class Daemons {

    /**
     * The replicator's documented JVM options: README's run instructions, quickstart.sh and
     * docker/Dockerfile.cdc-replicator give the same ones; keep them in step. W1 compares its peak RSS at
     * full speed with these to the target (the default-options figure is informational).
     */
    public static final List<String> REPLICATOR_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    /**
     * es-sink's documented JVM options: README's run instructions, quickstart.sh and
     * docker/Dockerfile.es-sink give the same ones; keep them in step. Every workload runs the sink with
     * these unless BENCH_SINK_JVM says otherwise; W1 adds informational runs with the JVM's defaults.
     */
    public static final List<String> SINK_JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    private final Path replicatorJar;
    private final Path sinkJar;
    private final Path java;

    /**
     * @param jars where the daemons' shaded jars are: bench/run.sh copies them out of the modules' target
     *     folders at the start of a run, so that a rebuild meanwhile cannot change what is measured
     */
    public Daemons(Path jars) {
        this.replicatorJar = jars.resolve("cdc-replicator.jar");
        this.sinkJar = jars.resolve("es-sink.jar");
        this.java = Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public boolean sinkAvailable() {
        return Files.isRegularFile(sinkJar);
    }

    /** Whether the replicator jar knows {@code postgres.snapshot_mode} and {@code replicator.snapshot_workers}. */
    public boolean replicatorSupportsSnapshots() {
        return jarHas(replicatorJar, "dev/pgcdc/common/config/SnapshotMode.class");
    }

    public Path replicatorJar() {
        return replicatorJar;
    }

    public ChildProcess replicator(Path config, Path log, List<String> jvmOptions) {
        return start("cdc-replicator", replicatorJar, config, log, jvmOptions);
    }

    /**
     * Starts es-sink with {@link #sinkJvmOptions()}, in every workload that runs it.
     */
    public ChildProcess sink(Path config, Path log) {
        return sink(config, log, sinkJvmOptions());
    }

    public ChildProcess sink(Path config, Path log, List<String> jvmOptions) {
        return start("es-sink", sinkJar, config, log, jvmOptions);
    }

    /**
     * es-sink's JVM options: BENCH_SINK_JVM (options separated by blanks, e.g. {@code -XX:+UseParallelGC}), to
     * compare option sets run by run, else {@link #SINK_JVM_OPTIONS}.
     */
    public static List<String> sinkJvmOptions() {
        String value = System.getenv().getOrDefault("BENCH_SINK_JVM", "").trim();
        return value.isEmpty() ? SINK_JVM_OPTIONS : List.of(value.split("\\s+"));
    }

    /** For figure labels: {@code documented JVM options -XX:+UseSerialGC}, or BENCH_SINK_JVM's. */
    public static String describeSinkJvmOptions() {
        List<String> options = sinkJvmOptions();
        return (options.equals(SINK_JVM_OPTIONS) ? "documented JVM options " : "JVM options (BENCH_SINK_JVM) ")
                + String.join(" ", options);
    }

    public Path java() {
        return java;
    }

    private ChildProcess start(String name, Path jar, Path config, Path log, List<String> jvmOptions) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it with ./mvnw -DskipTests package");
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--config");
        command.add(config.toString());
        return ChildProcess.start(name, command, Map.of(), log);
    }

    private static boolean jarHas(Path jar, String entry) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(entry) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
