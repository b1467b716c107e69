package dev.pgcdc.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Linux {@code /proc}: CPU ticks of processes and threads, peak and current resident set
 * size. Every method returns a neutral value (0, empty) for a process that has gone, because the
 * measured processes may exit at any time.
 */
public final class ProcFs {

    /** Clock ticks per second of utime/stime; 100 on every Linux the JVM runs on in practice. */
    public static final double TICKS_PER_SECOND = 100.0;

    private ProcFs() {
    }

    /** utime + stime of a process (all its threads), in ticks. */
    public static long cpuTicks(long pid) {
        return ticks(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** Thread id, name and utime + stime ticks of every thread of a process. */
    public static List<ThreadTicks> threads(long pid) {
        List<ThreadTicks> threads = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                String text = read(task.resolve("stat"));
                if (text != null) {
                    int open = text.indexOf('(');
                    int close = text.lastIndexOf(')');
                    if (open > 0 && close > open) {
                        threads.add(new ThreadTicks(Long.parseLong(task.getFileName().toString()),
                                text.substring(open + 1, close), parseTicks(text)));
                    }
                }
            });
        } catch (IOException e) {
            return List.of();
        }
        return threads;
    }

    /** Peak resident set size (VmHWM) in KiB; 0 when the process is gone. */
    public static long peakRssKib(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** Current resident set size (VmRSS) in KiB; 0 when the process is gone. */
    public static long rssKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** The 1, 5 and 15 minute load averages. */
    public static double[] loadAverage() {
        String text = read(Path.of("/proc/loadavg"));
        if (text == null) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        String[] parts = text.trim().split("\\s+");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
    }

    /** utime + stime ticks of all processes on the machine ({@code /proc/stat} first line, all CPUs). */
    public static long machineBusyTicks() {
        String text = read(Path.of("/proc/stat"));
        if (text == null) {
            return 0;
        }
        String[] parts = text.lines().findFirst().orElse("").trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal
        long busy = 0;
        for (int i = 1; i < parts.length && i <= 8; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(parts[i]);
            }
        }
        return busy;
    }

    private static long statusField(long pid, String field) {
        String text = read(Path.of("/proc", Long.toString(pid), "status"));
        if (text == null) {
            return 0;
        }
        return text.lines().filter(line -> line.startsWith(field))
                .map(line -> line.substring(field.length()).trim().split("\\s+")[0])
                .mapToLong(Long::parseLong).findFirst().orElse(0);
    }

    private static long ticks(Path stat) {
        String text = read(stat);
        return text == null ? 0 : parseTicks(text);
    }

    /** utime (field 14) + stime (field 15); fields are counted after the parenthesised command name. */
    static long parseTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** One thread's CPU ticks. */
    public record ThreadTicks(long tid, String name, long ticks) {
    }
}
