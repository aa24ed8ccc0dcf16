package dev.tally.bench;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The admin queries a dashboard runs, timed against any {@link AuditStore}: the newest 100 calls
 * with a key + model filter; usage for 30 days grouped by model; usage for 30 days grouped by
 * day. The 30-day windows end at a random instant that is not on an hour boundary, so the
 * partial edge hours are aggregated from raw rows as in real use. Shared by the SQLite and the
 * PostgreSQL query benchmarks so both time exactly the same work. Not thread-safe.
 */
final class QuerySet {

    static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration SPAN = Duration.ofDays(90);
    /** Untimed runs of each query first: enough for the JIT to compile the row loops (C2). */
    static final int WARM_UP = 100;

    private QuerySet() {
    }

    /** Writes {@code records} generated call records spread over the 90 days before {@link #END}. */
    static void fill(AuditStore store, Path dataDir, long records) throws InterruptedException {
        TrafficGenerator generator = new TrafficGenerator(11, END.minus(SPAN), SPAN.toMillis(), records);
        long start = System.nanoTime();
        RecorderConfig config = RecorderConfig.defaults("bench", dataDir).withQueueCapacity(1 << 16);
        try (Recorder recorder = Recorder.start(store, config, Clock.systemUTC())) {
            for (long i = 0; i < records; i++) {
                CallRecord record = generator.next();
                while (i % 1000 == 0 && recorder.stats().queueDepth() > 50_000) {
                    Thread.sleep(1); // keep the fill from spilling: this is loading, not measuring
                }
                recorder.record(record);
                if ((i + 1) % 1_000_000 == 0) {
                    System.out.printf("  filled %,d records (%.0f s)%n", i + 1, (System.nanoTime() - start) / 1e9);
                }
            }
            recorder.flush();
        }
        System.out.printf("filled %,d records in %.0f s (%,.0f entries/s)%n", records,
                (System.nanoTime() - start) / 1e9, records / ((System.nanoTime() - start) / 1e9));
    }

    /** How many call records {@code store} holds, from its rollups. */
    static long count(AuditStore store) {
        return store.usage(UsageQuery.over(null, null, List.of())).summary().calls();
    }

    /** Runs each query {@link #WARM_UP} times to warm up, then {@code iterations} timed times each, and prints p50/p99. */
    static void runAll(AuditStore store, int iterations) {
        SplittableRandom random = new SplittableRandom(7);
        int[] hits = new int[1];
        // Each query runs untimed first, so that the timed runs measure compiled code, not the JIT.
        time(WARM_UP, i -> newest(store, random, hits));
        time(WARM_UP, i -> usage(store, random, GroupBy.Dimension.MODEL));
        time(WARM_UP, i -> usage(store, random, GroupBy.Dimension.DAY));
        hits[0] = 0;
        long[] newest = time(iterations, i -> newest(store, random, hits));
        long[] byModel = time(iterations, i -> usage(store, random, GroupBy.Dimension.MODEL));
        long[] byDay = time(iterations, i -> usage(store, random, GroupBy.Dimension.DAY));
        System.out.println();
        report("newest 100 with key+model filter", newest, 20);
        report("usage 30 days grouped by model", byModel, 50);
        report("usage 30 days grouped by day", byDay, 50);
        System.out.printf("(newest-100 queries returned %,d rows in all)%n", hits[0]);
    }

    private static void newest(AuditStore store, SplittableRandom random, int[] hits) {
        String key = TrafficGenerator.keyId(random.nextInt(TrafficGenerator.KEYS));
        String model = TrafficGenerator.MODELS.get(random.nextInt(TrafficGenerator.MODELS.size()));
        Page<?> page = store.calls(new CallQuery(null, null, key, model, null, null, null, Map.of(), 100, null));
        hits[0] += page.data().size();
    }

    private static void usage(AuditStore store, SplittableRandom random, GroupBy by) {
        long endMillis = END.toEpochMilli() - random.nextLong(Duration.ofDays(30).toMillis());
        Instant until = Instant.ofEpochMilli(endMillis);
        UsageReport report = store.usage(UsageQuery.over(until.minus(Duration.ofDays(30)), until, List.of(by)));
        if (report.summary().calls() == 0) {
            throw new IllegalStateException("usage returned no calls: the database is empty");
        }
    }

    private static long[] time(int iterations, IntConsumer query) {
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            query.accept(i);
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static void report(String name, long[] nanos, int targetP99Millis) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double p50 = sorted[sorted.length / 2] / 1e6;
        double p99 = sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
        System.out.printf("%-36s p50 %7.2f ms   p99 %7.2f ms   (target p99 < %d ms: %s)%n", name, p50, p99,
                targetP99Millis, p99 < targetP99Millis ? "met" : "NOT met");
    }
}
