package dev.tally.bench;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Files;
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
 * Query benchmark: the admin queries a dashboard runs, against a SQLite store holding
 * {@code records} call records spread over 90 days, written through the real Recorder (so the
 * rollups are the ones ingest maintains). Prints p50/p99 latency of: the newest 100 calls with
 * a key + model filter; usage for 30 days grouped by model; usage for 30 days grouped by day.
 * The 30-day windows end at a random instant that is not on an hour boundary, so the partial
 * edge hours are aggregated from raw rows as in real use.
 *
 * <p>Usage: {@code bench/query [records] [iterations] [db-path]} (defaults 10,000,000, 200 and
 * bench/target/query-bench.db). The database is kept and reused when it already holds the
 * requested number of records, because filling it takes minutes.
 */
public final class QueryBenchmark {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration SPAN = Duration.ofDays(90);

    private QueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path db = Path.of(args.length > 2 ? args[2] : "bench/target/query-bench.db").toAbsolutePath();
        Files.createDirectories(db.getParent());
        System.out.printf("query benchmark: %,d call records over 90 days in %s, %d iterations per query%n",
                records, db, iterations);
        fillIfNeeded(db, records);

        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            SplittableRandom random = new SplittableRandom(7);
            int[] hits = new int[1];
            run("warm-up", 20, i -> newest(store, random, hits));
            long[] newest = run("newest 100, key+model filter", iterations, i -> newest(store, random, hits));
            long[] byModel = run("usage 30 days by model", iterations,
                    i -> usage(store, random, GroupBy.Dimension.MODEL));
            long[] byDay = run("usage 30 days by day", iterations, i -> usage(store, random, GroupBy.Dimension.DAY));
            System.out.println();
            report("newest 100 with key+model filter", newest, 20);
            report("usage 30 days grouped by model", byModel, 50);
            report("usage 30 days grouped by day", byDay, 50);
            System.out.printf("(newest-100 queries returned %,d rows in all)%n", hits[0]);
        }
    }

    private static void newest(SqliteAuditStore store, SplittableRandom random, int[] hits) {
        String key = TrafficGenerator.keyId(random.nextInt(TrafficGenerator.KEYS));
        String model = TrafficGenerator.MODELS.get(random.nextInt(TrafficGenerator.MODELS.size()));
        Page<?> page = store.calls(new CallQuery(null, null, key, model, null, null, null, Map.of(), 100, null));
        hits[0] += page.data().size();
    }

    private static void usage(SqliteAuditStore store, SplittableRandom random, GroupBy by) {
        long endMillis = END.toEpochMilli() - random.nextLong(Duration.ofDays(30).toMillis());
        Instant until = Instant.ofEpochMilli(endMillis);
        UsageReport report = store.usage(UsageQuery.over(until.minus(Duration.ofDays(30)), until, List.of(by)));
        if (report.summary().calls() == 0) {
            throw new IllegalStateException("usage returned no calls: the database is empty");
        }
    }

    private static long[] run(String name, int iterations, IntConsumer query) {
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

    private static void fillIfNeeded(Path db, long records) throws Exception {
        if (Files.exists(db)) {
            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                long have = store.usage(UsageQuery.over(null, null, List.of())).summary().calls();
                if (have == records) {
                    System.out.printf("reusing %s (%,d records)%n", db, have);
                    return;
                }
            }
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(db + suffix));
            }
        }
        Path dataDir = db.resolveSibling("query-bench-data");
        if (Files.exists(dataDir)) {
            IngestBenchmark.deleteTree(dataDir);
        }
        TrafficGenerator generator = new TrafficGenerator(11, END.minus(SPAN), SPAN.toMillis(), records);
        long start = System.nanoTime();
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
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
        }
        System.out.printf("filled %,d records in %.0f s%n", records, (System.nanoTime() - start) / 1e9);
    }
}
