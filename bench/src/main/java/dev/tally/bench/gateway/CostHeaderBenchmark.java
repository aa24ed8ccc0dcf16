package dev.tally.bench.gateway;

import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.server.GatewayRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What telling the client its cost adds to a call: one gateway, two virtual keys that differ
 * only in {@code return_cost}, the same requests sent with each key interleaved one by one, so
 * drift on a shared machine hits both alike. Side (a) is the key with {@code return_cost: false}
 * (no {@code x-tally-cost-usd}/{@code x-tally-record-id} headers, no {@code : tally} comment),
 * side (b) the key with the default {@code return_cost: true}. Prints p50/p99 of both sides and
 * their difference for non-streamed calls, and for streams the time to the first event and to
 * the last one (the comment is written just before the final event).
 *
 * <p>Usage: {@code bench/gateway cost [calls]} (default 20,000 calls and 2,000 streams per key).
 * There is no target to miss: the figure is reported.
 */
final class CostHeaderBenchmark {

    private static final String PROVIDER_KEY = "sk-bench-provider-secret-0001";

    private CostHeaderBenchmark() {
    }

    static void run(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 20_000;
        if (calls < 100) {
            throw new IllegalArgumentException("calls: " + calls + " (expected: at least 100)");
        }
        int streams = Math.max(100, calls / 10);
        Path dir = Files.createTempDirectory("tally-cost-bench");
        System.out.printf("cost-header benchmark: %,d calls and %,d streams per key, java %s, %d cpus%n", calls, streams,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        try (BenchProvider fake = BenchProvider.start()) {
            String[] keys = createKeys(dir);
            GatewayConfig config = ConfigLoader.parse(GatewayBenchmark.yaml(fake.baseUrl()), dir, Map.of());
            try (GatewayRuntime runtime = GatewayRuntime.start(config, dir, Clock.systemUTC())) {
                String gateway = "http://127.0.0.1:" + runtime.port();
                try (Sides sides = new Sides(gateway, keys[0], gateway, keys[1])) {
                    for (int round = 0; round < 3; round++) { // JIT warm-up on both keys alike
                        measure(sides, 5_000, 200);
                    }
                    long[][][] figures = measure(sides, calls, streams);
                    print(figures);
                }
            }
        } finally {
            GatewayBenchmark.deleteTree(dir);
        }
        System.exit(0);
    }

    /** Returns [phase][side][sample]: phase 0 non-streamed latency, 1 first event, 2 last event. */
    private static long[][][] measure(Sides sides, int calls, int streams) throws Exception {
        long[][][] out = new long[3][2][];
        out[0][0] = new long[calls];
        out[0][1] = new long[calls];
        for (int i = 0; i < calls; i++) {
            for (int k = 0; k < 2; k++) {
                int side = (i + k) % 2; // alternate which key goes first
                long start = System.nanoTime();
                sides.chat(side);
                out[0][side][i] = System.nanoTime() - start;
            }
        }
        for (int side = 0; side < 2; side++) {
            out[1][side] = new long[streams];
            out[2][side] = new long[streams];
        }
        for (int i = 0; i < streams; i++) {
            for (int k = 0; k < 2; k++) {
                int side = (i + k) % 2;
                long[] arrivals = sides.stream(side, System.nanoTime());
                out[1][side][i] = arrivals[0];
                out[2][side][i] = arrivals[arrivals.length - 1];
            }
        }
        return out;
    }

    private static void print(long[][][] figures) {
        String[] phases = {"non-streamed call", "stream, first event", "stream, last event"};
        System.out.println("a = key with return_cost: false, b = key with return_cost: true (headers and stream comment)");
        for (int phase = 0; phase < 3; phase++) {
            for (double q : new double[] {0.50, 0.90, 0.99}) {
                long a = Figures.quantile(figures[phase][0], q);
                long b = Figures.quantile(figures[phase][1], q);
                System.out.printf("  %-22s p%-2d  a %9s   b %9s   b - a %9s%n", phases[phase], (int) Math.round(q * 100),
                        Figures.micros(a), Figures.micros(b), Figures.micros(b - a));
            }
        }
    }

    /** Two keys on the data dir's store, as {@code tally keys create} makes them: [return_cost off, on]. */
    private static String[] createKeys(Path dir) throws Exception {
        AuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
        try {
            Path own = Files.createDirectories(dir.resolve("bench"));
            try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults("bench", own), Clock.systemUTC())) {
                KeyService keys = new KeyService(store, recorder::commitChange, IdSource.system(), new SecureRandom(),
                        Clock.systemUTC(), Duration.ZERO);
                String off = keys.create(KeySettings.named("no-cost").withReturnCost(false), "bench").secret();
                String on = keys.create(KeySettings.named("cost"), "bench").secret();
                return new String[] {off, on};
            }
        } finally {
            store.close();
        }
    }
}
