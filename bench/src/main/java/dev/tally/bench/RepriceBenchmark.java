package dev.tally.bench;

import dev.tally.audit.adjust.RecordPricer;
import dev.tally.audit.adjust.RepriceRequest;
import dev.tally.audit.adjust.RepriceSummary;
import dev.tally.audit.adjust.Repricer;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench/reprice [records] [single]}: how long re-pricing takes on SQLite, side by side in
 * one run. {@code records} (default 100,000) calls of one model, recorded at a stale cost through
 * the {@link Recorder}, are re-priced with the default batch ({@value Repricer#BATCH} adjustments a
 * transaction); the first {@code single} (default 2,000) of them, in a copy of the same store, with
 * one transaction per adjustment, the way a naive loop over {@code commitChange} would. Then the
 * same range is re-priced again at the same prices (nothing to write: the cost of checking). Prints
 * adjustments/s for each and the ratio.
 */
public final class RepriceBenchmark {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final PriceBook PRICES = PriceBook.ofPrices(Map.of("gpt-4o", Price.perMillion("2.50", "10.00")));

    private RepriceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int single = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        Path dir = Files.createTempDirectory("tally-reprice-bench");
        System.out.printf("reprice benchmark: %,d call records, %,d with one transaction each, java %s, %d cpus%n",
                records, single, Runtime.version(), Runtime.getRuntime().availableProcessors());
        try {
            Instant until = T0.plusSeconds(records);
            Instant singleUntil = T0.plusSeconds(single);
            fill(dir.resolve("batched"), records);
            fill(dir.resolve("single"), single);

            Result one = run(dir.resolve("single"), 1, singleUntil);
            Result batched = run(dir.resolve("batched"), Repricer.BATCH, until);
            Result again = run(dir.resolve("batched"), Repricer.BATCH, until);

            System.out.printf("one transaction per adjustment: %,d adjusted in %,d ms, %,.0f adjustments/s%n",
                    one.summary.adjusted(), one.millis, one.rate());
            System.out.printf("batches of %d:                  %,d adjusted in %,d ms (%,d transactions), %,.0f adjustments/s%n",
                    Repricer.BATCH, batched.summary.adjusted(), batched.millis, batched.summary.transactions(),
                    batched.rate());
            System.out.printf("second run, same prices:        %,d seen, %,d adjusted, %,d ms, %,.0f records checked/s%n",
                    again.summary.seen(), again.summary.adjusted(), again.millis,
                    again.summary.seen() * 1000.0 / Math.max(1, again.millis));
            System.out.printf("ratio batched / one per transaction: %.1fx%n", batched.rate() / one.rate());
        } finally {
            deleteTree(dir);
        }
    }

    /** {@code n} gpt-4o calls, one a second from {@link #T0}, at a stale cost, committed. */
    private static void fill(Path dir, int n) throws InterruptedException, IOException {
        Files.createDirectories(dir);
        IdSource ids = IdSource.fast(Clock.systemUTC());
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("bench", dir), Clock.systemUTC());
            for (int i = 0; i < n; i++) {
                Instant at = T0.plusSeconds(i);
                recorder.record(CallRecord.builder().id(ids.nextAt(at)).startedAt(at).status(CallStatus.SUCCESS)
                        .keyId("key-" + i % 20).model("gpt-4o").provider("openai").inputTokens(1000L + i % 100)
                        .outputTokens(200L).costMicros(1L).priceId("p-stale").tags(Map.of("team", "t" + i % 5)).build());
            }
            recorder.close();
        }
    }

    private static Result run(Path dir, int batch, Instant until) throws InterruptedException {
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("bench", dir), Clock.systemUTC());
            try {
                Repricer repricer = new Repricer(store, recorder, new RecordPricer(PRICES), Clock.systemUTC(), batch);
                long start = System.nanoTime();
                RepriceSummary summary = repricer.run(new RepriceRequest("gpt-4o", T0, until, false, "bench", "bench"));
                return new Result(summary, (System.nanoTime() - start) / 1_000_000);
            } finally {
                recorder.close();
            }
        }
    }

    private record Result(RepriceSummary summary, long millis) {
        double rate() {
            return summary.adjusted() * 1000.0 / Math.max(1, millis);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
