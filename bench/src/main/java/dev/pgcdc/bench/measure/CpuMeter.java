package dev.pgcdc.bench.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * CPU used by named processes over a measured window, from {@code /proc}: started with
 * {@link #start}, read with {@link #stop}, sampled every 100 ms in between (so a walsender that exits
 * with its client still counts). A process is a supplier of pids (a process tree, or the walsender
 * found once it exists), resolved at every sample; pids first seen after the start count from zero,
 * which is right for processes born inside the window. For JVM processes the busiest
 * threads are reported too, since one saturated thread (e.g. the replicator's stream thread) is a
 * limit even when the process uses less than the machine's cores. Add processes before {@link #start};
 * use one meter per window.
 */
public final class CpuMeter {

    private final Map<String, Supplier<List<Long>>> processes = new LinkedHashMap<>();
    private final Map<String, Boolean> perThread = new HashMap<>();
    private final Map<String, Set<Long>> seen = new HashMap<>();
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private final Map<Long, Long> lastThreadTicks = new HashMap<>();
    private final Map<Long, String> threadNames = new HashMap<>();
    private final Map<Long, String> threadOwner = new HashMap<>();
    private Map<Long, Long> startTicks = new HashMap<>();
    private Map<Long, Long> startThreadTicks = new HashMap<>();
    private long startNanos;
    private long startMachineTicks;
    private Thread sampler;

    /** @param threads whether to report this process's busiest threads */
    public CpuMeter add(String name, Supplier<List<Long>> pids, boolean threads) {
        processes.put(name, pids);
        perThread.put(name, threads);
        return this;
    }

    /** Takes the first sample and keeps sampling every 100 ms, so processes that exit inside the window still count. */
    public void start() {
        startTicks = new HashMap<>();
        startThreadTicks = new HashMap<>();
        sample(startTicks, startThreadTicks, true);
        lastTicks.putAll(startTicks);
        lastThreadTicks.putAll(startThreadTicks);
        startMachineTicks = ProcFs.machineBusyTicks();
        startNanos = System.nanoTime();
        sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                sample(lastTicks, lastThreadTicks, false);
            }
        }, "bench-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** CPU per process over the window, in percent of one core (200% = both cores of a 2-core machine). */
    public Usage stop() {
        if (sampler == null) {
            return new Usage(0, 0, Map.of());
        }
        sampler.interrupt();
        try {
            sampler.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample(lastTicks, lastThreadTicks, false);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double machine = percent(ProcFs.machineBusyTicks() - startMachineTicks, seconds);
        Map<String, ProcessUsage> usage = new LinkedHashMap<>();
        processes.forEach((name, pids) -> {
            long used = 0;
            List<ThreadUsage> threads = new ArrayList<>();
            for (long pid : seen.getOrDefault(name, Set.of())) {
                used += Math.max(0, lastTicks.getOrDefault(pid, 0L) - startTicks.getOrDefault(pid, 0L));
            }
            for (Map.Entry<Long, String> thread : threadNames.entrySet()) {
                if (name.equals(threadOwner.get(thread.getKey()))) {
                    long delta = lastThreadTicks.getOrDefault(thread.getKey(), 0L)
                            - startThreadTicks.getOrDefault(thread.getKey(), 0L);
                    if (delta > 0) {
                        threads.add(new ThreadUsage(thread.getValue(), percent(delta, seconds)));
                    }
                }
            }
            threads.sort(Comparator.comparingDouble(ThreadUsage::percentOfCore).reversed());
            usage.put(name, new ProcessUsage(percent(used, seconds),
                    List.copyOf(threads.subList(0, Math.min(3, threads.size())))));
        });
        return new Usage(seconds, machine, usage);
    }

    private synchronized void sample(Map<Long, Long> ticks, Map<Long, Long> threadTicks, boolean first) {
        processes.forEach((name, pids) -> {
            for (long pid : safe(pids)) {
                long value = ProcFs.cpuTicks(pid);
                if (value > 0 || first) {
                    ticks.put(pid, value);
                }
                if (!first) {
                    startTicks.putIfAbsent(pid, 0L);
                }
                seen.computeIfAbsent(name, n -> new HashSet<>()).add(pid);
                if (perThread.get(name)) {
                    for (ProcFs.ThreadTicks t : ProcFs.threads(pid)) {
                        threadTicks.put(t.tid(), t.ticks());
                        if (!first) {
                            startThreadTicks.putIfAbsent(t.tid(), 0L);
                        }
                        threadNames.put(t.tid(), t.name());
                        threadOwner.put(t.tid(), name);
                    }
                }
            }
        });
    }

    private static double percent(long ticks, double seconds) {
        return seconds <= 0 ? 0 : Math.round(ticks / ProcFs.TICKS_PER_SECOND / seconds * 1000) / 10.0;
    }

    private static List<Long> safe(Supplier<List<Long>> pids) {
        try {
            List<Long> list = pids.get();
            return list == null ? List.of() : list;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * A process tree's pids: the root and its descendants, listed again at most once a second (listing
     * descendants reads every process's status; ten times a second that was a noticeable part of this
     * harness's own CPU). A child that starts and ends within that second is missed.
     */
    public static Supplier<List<Long>> tree(long rootPid) {
        var listing = new Object() {
            List<Long> pids;
            long listedAt;
        };
        return () -> {
            long now = System.nanoTime();
            if (listing.pids == null || now - listing.listedAt >= 1_000_000_000L) {
                List<Long> pids = new ArrayList<>();
                ProcessHandle.of(rootPid).ifPresent(root -> {
                    pids.add(root.pid());
                    root.descendants().forEach(d -> pids.add(d.pid()));
                });
                listing.pids = List.copyOf(pids);
                listing.listedAt = now;
            }
            return listing.pids;
        };
    }

    /** The CPU of one window. {@code machinePercent}: all processes, in percent of one core. */
    public record Usage(double seconds, double machinePercent, Map<String, ProcessUsage> processes) {

        /** e.g. {@code replicator 96% (main 88%, kafka-producer-network-thread 7%); walsender 40%; ...} */
        public String describe() {
            String verdict = verdict(Runtime.getRuntime().availableProcessors()) + ": ";
            StringBuilder text = new StringBuilder(verdict);
            processes.entrySet().stream()
                    .sorted(Comparator.comparingDouble((Map.Entry<String, ProcessUsage> e) -> e.getValue().percentOfCore())
                            .reversed())
                    .forEach(e -> {
                        if (text.length() > verdict.length()) {
                            text.append("; ");
                        }
                        text.append(e.getKey()).append(' ').append(Math.round(e.getValue().percentOfCore())).append('%');
                        List<ThreadUsage> threads = e.getValue().topThreads();
                        if (!threads.isEmpty()) {
                            text.append(" (");
                            for (int i = 0; i < threads.size(); i++) {
                                text.append(i == 0 ? "" : ", ").append(threads.get(i).name()).append(' ')
                                        .append(Math.round(threads.get(i).percentOfCore())).append('%');
                            }
                            text.append(')');
                        }
                    });
            double measured = processes.values().stream().mapToDouble(ProcessUsage::percentOfCore).sum();
            text.append("; other processes ").append(Math.max(0, Math.round(machinePercent - measured))).append('%')
                    .append("; machine ").append(Math.round(machinePercent)).append('%');
            return text.toString();
        }

        /**
         * The first reading of the samples: a thread at 85% of a core or more is saturated (that stage
         * cannot go faster without more parallelism); otherwise, all cores at 85% or more means the
         * machine is the limit; otherwise the limit is waiting (I/O, batching, back-pressure).
         */
        public String verdict(int cores) {
            String hottest = null;
            double hottestPercent = 0;
            for (Map.Entry<String, ProcessUsage> e : processes.entrySet()) {
                for (ThreadUsage t : e.getValue().topThreads()) {
                    if (t.percentOfCore() > hottestPercent) {
                        hottestPercent = t.percentOfCore();
                        hottest = e.getKey() + " thread '" + t.name() + "'";
                    }
                }
                if (e.getValue().topThreads().isEmpty() && e.getKey().startsWith("walsender")
                        && e.getValue().percentOfCore() > hottestPercent) {
                    hottestPercent = e.getValue().percentOfCore();
                    hottest = e.getKey() + " (single-threaded)";
                }
            }
            if (hottest != null && hottestPercent >= 85) {
                return "saturated: " + hottest + " at " + Math.round(hottestPercent) + "%";
            }
            if (machinePercent >= 85.0 * cores) {
                return "machine CPU-bound (all " + cores + " cores busy)";
            }
            return "not CPU-bound (waits: I/O, batching or back-pressure)";
        }
    }

    public record ProcessUsage(double percentOfCore, List<ThreadUsage> topThreads) {
    }

    public record ThreadUsage(String name, double percentOfCore) {
    }
}
