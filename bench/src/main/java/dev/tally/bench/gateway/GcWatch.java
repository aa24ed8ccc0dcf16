package dev.tally.bench.gateway;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Garbage collections during one phase of the benchmark (count and total pause time of every
 * collector, from the JVM's own counters), printed under the phase's figures so a pause that
 * landed in a percentile is visible. The JVM hosts the fake provider, the gateway and the load
 * generator, so a pause hits both sides alike. Not thread-safe; used by the main thread.
 */
final class GcWatch {

    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private long count;
    private long millis;
    private long jitMillis;

    GcWatch() {
        reset();
    }

    /** The collectors in use and the heap limit, for the header line. */
    static String describe() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", ")) + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB";
    }

    /** Starts counting from now. */
    void reset() {
        count = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        millis = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        jitMillis = jit.getTotalCompilationTime();
    }

    /** Prints the collections since the last reset, then resets. */
    void print() {
        long c = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum() - count;
        long t = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum() - millis;
        long j = jit.getTotalCompilationTime() - jitMillis;
        System.out.printf("  gc during this phase: %d collections, %d ms in total; JIT compiling: %d ms%n", c, t, j);
        reset();
    }
}
