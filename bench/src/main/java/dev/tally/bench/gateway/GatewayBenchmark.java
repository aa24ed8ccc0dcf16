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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Gateway benchmark: the latency Tally adds to a call. In one JVM it starts a fast fake OpenAI
 * provider ({@link BenchProvider}) and a real gateway ({@link GatewayRuntime}, async audit into
 * SQLite in a temp dir, the same path {@code tally serve} takes), then sends the same requests
 * (a) straight to the fake and (b) through Tally, interleaved one by one so drift on a shared
 * machine hits both sides equally, and prints (b) − (a) per percentile:
 * <ol>
 *   <li>concurrency 1: sequential non-streamed chat calls;</li>
 *   <li>open loop at 1,000 requests/s (10 s) and 5,000 requests/s (3 s) through Tally (as many again direct), each
 *       request on its own virtual thread, latency measured from its scheduled send time, so a
 *       stall is charged to every request it delays;</li>
 *   <li>streaming at concurrency 1, sent and read by a {@link RawStreamClient} on each side:
 *       time to the first data event, every event's arrival, and
 *       a count of events that arrived bunched with their successor although the fake spaced
 *       them {@link BenchProvider#GAP_NANOS} apart (an event held back).</li>
 * </ol>
 *
 * <p>Usage: {@code bench/gateway [calls]} (default 10,000 sequential calls per side; the rate
 * and streaming phases have fixed lengths). Exits 1 when a figure misses its target.
 * {@code bench/gateway rss [streams] [seconds]} measures memory instead ({@link StreamMemoryBenchmark}),
 * {@code bench/gateway cost [calls]} what returning the cost adds ({@link CostHeaderBenchmark}).
 */
public final class GatewayBenchmark {

    private static final String PROVIDER_KEY = "sk-bench-provider-secret-0001";
    private static final long MS = 1_000_000;
    /** Most requests open at once in the open-loop phases; more are not sent (counted as errors). */
    private static final int MAX_OPEN = 1_000;
    private static final int WARM_ROUND = 5_000;
    private static final int WARM_STREAMS = 100;
    private static final int MAX_WARM_ROUNDS = 12;
    private static final long SETTLED_COMPILE_MS = 50;

    private GatewayBenchmark() {
    }

    private static void run(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000;
        if (calls < 100) {
            throw new IllegalArgumentException("calls: " + calls + " (expected: at least 100)");
        }
        Path dir = Files.createTempDirectory("tally-gateway-bench");
        System.out.printf("gateway benchmark: %,d sequential calls per side, java %s, %d cpus, %s, data in %s%n", calls,
                Runtime.version(), Runtime.getRuntime().availableProcessors(), GcWatch.describe(), dir);
        Figures figures = new Figures();
        try (BenchProvider fake = BenchProvider.start()) {
            String virtualKey = createKey(dir);
            GatewayConfig config = ConfigLoader.parse(yaml(fake.baseUrl()), dir, Map.of());
            try (GatewayRuntime runtime = GatewayRuntime.start(config, dir, Clock.systemUTC());
                    Sides sides = new Sides(fake.baseUrl(), PROVIDER_KEY, "http://127.0.0.1:" + runtime.port(), virtualKey)) {
                warmUp(sides);
                GcWatch gc = new GcWatch();
                sequential(sides, calls, figures);
                gc.print();
                openLoop(sides, 1_000, 10, figures, true);
                gc.print();
                openLoop(sides, 5_000, 3, figures, false);
                gc.print();
                streaming(sides, 1_000, figures);
                gc.print();
            }
        } finally {
            deleteTree(dir);
        }
        System.out.println(figures.missed() == 0 ? "all targets met" : figures.missed() + " figure(s) NOT met");
        System.exit(figures.missed() == 0 ? 0 : 1);
    }

    public static void main(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("rss")) {
                StreamMemoryBenchmark.run(java.util.Arrays.copyOfRange(args, 1, args.length));
                return;
            }
            if (args.length > 0 && args[0].equals("cost")) {
                CostHeaderBenchmark.run(java.util.Arrays.copyOfRange(args, 1, args.length));
                return;
            }
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(2); // the JVM would otherwise wait for requests still open
        }
    }

    /** Deletes the benchmark's temp dir (tens of MB of audit log per run). */
    static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The gateway's configuration: one OpenAI provider at the fake, one priced model, async audit. */
    static String yaml(String fake) {
        return """
                server: {host: 127.0.0.1, port: 0}
                admin: {token: bench-admin-token-0000}
                audit: {durability: async}
                providers:
                  - name: fake
                    kind: openai
                    base_url: %s/v1
                    api_key: %s
                    retries: {max: 0}
                models:
                  %s:
                    provider: fake
                    price: {input: "2.50", output: "10.00"}
                """.formatted(fake, PROVIDER_KEY, BenchProvider.MODEL);
    }

    /**
     * Creates the virtual key the way {@code tally keys create} does before a first
     * {@code tally serve}: on the store in the data dir, through a {@link KeyService} on its own chain.
     */
    static String createKey(Path dir) throws Exception {
        AuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
        try {
            Path own = Files.createDirectories(dir.resolve("bench"));
            try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults("bench", own), Clock.systemUTC())) {
                KeyService keys = new KeyService(store, recorder::commitChange, IdSource.system(), new SecureRandom(),
                        Clock.systemUTC(), Duration.ZERO);
                return keys.create(KeySettings.named("bench"), "bench").secret();
            }
        } finally {
            store.close();
        }
    }

    /**
     * Runs both sides until the JIT has settled: rounds of {@value #WARM_ROUND} call pairs and
     * {@value #WARM_STREAMS} streams, until a round in which the JVM spent less than
     * {@value #SETTLED_COMPILE_MS} ms compiling (at most {@value #MAX_WARM_ROUNDS} rounds).
     * A gateway serves for hours; what it adds is measured once its code is compiled, on both
     * sides alike (the direct side's client and fake settle in the first round).
     */
    private static void warmUp(Sides sides) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long compiled = jit.getTotalCompilationTime();
        int rounds = 0;
        long lastRoundMs;
        do {
            for (int i = 0; i < WARM_ROUND; i++) {
                sides.chat(i % 2);
                sides.chat(1 - i % 2);
            }
            for (int i = 0; i < WARM_STREAMS; i++) {
                sides.stream(i % 2, System.nanoTime());
            }
            rounds++;
            long now = jit.getTotalCompilationTime();
            lastRoundMs = now - compiled;
            compiled = now;
        } while (lastRoundMs >= SETTLED_COMPILE_MS && rounds < MAX_WARM_ROUNDS);
        System.out.printf("warm-up: %d round(s) of %,d call pairs and %d streams; JIT time in the last round %d ms%n",
                rounds, WARM_ROUND, WARM_STREAMS, lastRoundMs);
    }

    private static void sequential(Sides sides, int calls, Figures figures) throws Exception {
        long[][] nanos = new long[2][calls];
        for (int i = 0; i < calls; i++) {
            for (int k = 0; k < 2; k++) {
                int side = (i + k) % 2; // alternate which side goes first
                long start = System.nanoTime();
                sides.chat(side);
                nanos[side][i] = System.nanoTime() - start;
            }
        }
        System.out.println("concurrency 1, non-streamed chat:");
        figures.sides("latency", nanos[0], nanos[1]);
        figures.target("added p50",
                Figures.quantile(nanos[1], 0.50) - Figures.quantile(nanos[0], 0.50), 150_000);
        figures.target("added p99",
                Figures.quantile(nanos[1], 0.99) - Figures.quantile(nanos[0], 0.99), 500_000);
    }

    /**
     * Sends {@code rate} requests/s through Tally and as many straight to the fake, alternating
     * a and b on one schedule, for {@code seconds}; each request runs on its own virtual thread
     * and its latency counts from its scheduled send time.
     */
    private static void openLoop(Sides sides, int rate, int seconds, Figures figures, boolean targeted)
            throws Exception {
        // the first second is not counted: it opens the connections the rate needs on both sides
        int warm = rate * 2;
        int n = warm + rate * seconds * 2;
        long interval = 1_000_000_000L / (rate * 2L);
        long[] latency = new long[n];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        int shed = 0;
        CountDownLatch done = new CountDownLatch(n);
        long maxLag = 0;
        long start = System.nanoTime() + 20 * MS;
        for (int i = 0; i < n; i++) {
            long at = start + i * interval;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (i >= warm) {
                maxLag = Math.max(maxLag, System.nanoTime() - at);
            }
            int index = i;
            int side = (i / 2 + i) % 2; // pairs alternate which side goes first
            if (open.get() >= MAX_OPEN) {
                // the machine fell behind: shedding keeps it from running out of sockets;
                // a shed request counts as an error and is left out of the percentiles
                if (i >= warm) {
                    shed++;
                    errors.incrementAndGet();
                }
                latency[index] = -1;
                done.countDown();
                continue;
            }
            open.incrementAndGet();
            Thread.startVirtualThread(() -> {
                try {
                    sides.chat(side);
                } catch (Exception e) {
                    if (index >= warm && errors.incrementAndGet() == 1) {
                        System.out.println("  first error: " + e.getMessage());
                    }
                } finally {
                    latency[index] = System.nanoTime() - at;
                    open.decrementAndGet();
                    done.countDown();
                }
            });
        }
        long sendEnd = System.nanoTime();
        if (!done.await(60, TimeUnit.SECONDS)) {
            System.out.printf("open loop %,d/s: %d requests still open after 60 s%n", rate, done.getCount());
        }
        long[][] bySide = new long[2][(n - warm) / 2];
        int[] filled = new int[2];
        for (int i = warm; i < n; i++) {
            int side = (i / 2 + i) % 2;
            if (latency[i] >= 0) {
                bySide[side][filled[side]++] = latency[i];
            }
        }
        for (int side = 0; side < 2; side++) {
            bySide[side] = java.util.Arrays.copyOf(bySide[side], Math.max(1, filled[side]));
        }
        double achieved = (n - warm) / 2.0 / ((sendEnd - start - warm * interval) / 1e9);
        System.out.printf("open loop, %,d requests/s through tally (%,d/s achieved, %s max send lag; the same again direct),"
                + " %d s after 1 s not counted, %d errors (%d of them not sent: %d already open; left out of the percentiles):%n", rate, Math.round(achieved),
                Figures.micros(maxLag), seconds, errors.get(), shed, MAX_OPEN);
        figures.sides("latency from scheduled send", bySide[0], bySide[1]);
        long added = Figures.quantile(bySide[1], 0.99) - Figures.quantile(bySide[0], 0.99);
        if (targeted) {
            figures.target("added p99 at " + rate + "/s", added, 2 * MS);
            figures.zero("errors at " + rate + "/s", errors.get(), n - warm);
        } else {
            System.out.printf("  => %-46s %9s   (no target; reported)%s%n", "added p99 at " + rate + "/s",
                    Figures.micros(added), errors.get() > 0 || maxLag > 5 * MS ? " -- machine did not keep up" : "");
        }
    }

    /** Streams at concurrency 1, interleaved; compares first-event and every-event arrival times. */
    private static void streaming(Sides sides, int streams, Figures figures) throws Exception {
        int events = BenchProvider.STREAM_EVENTS;
        long[][][] arrivals = new long[2][streams][];
        for (int i = 0; i < streams; i++) {
            for (int k = 0; k < 2; k++) {
                int side = (i + k) % 2;
                arrivals[side][i] = sides.stream(side, System.nanoTime());
            }
        }
        long[][] first = new long[2][streams];
        long[][] bunched = new long[2][events];
        long worstEvent = Long.MIN_VALUE;
        for (int side = 0; side < 2; side++) {
            for (int i = 0; i < streams; i++) {
                first[side][i] = arrivals[side][i][0];
                for (int e = 0; e + 1 < events; e++) {
                    // the fake spaces events GAP apart; an event arriving less than half a gap
                    // before its successor waited for the successor somewhere
                    if (arrivals[side][i][e + 1] - arrivals[side][i][e] < BenchProvider.GAP_NANOS / 2) {
                        bunched[side][e]++;
                    }
                }
            }
        }
        for (int e = 0; e < events; e++) {
            long[][] at = new long[2][streams];
            for (int side = 0; side < 2; side++) {
                for (int i = 0; i < streams; i++) {
                    at[side][i] = arrivals[side][i][e];
                }
            }
            worstEvent = Math.max(worstEvent, Figures.quantile(at[1], 0.99) - Figures.quantile(at[0], 0.99));
        }
        System.out.printf("streaming, concurrency 1, %d streams per side of %d events %d ms apart:%n", streams, events,
                BenchProvider.GAP_NANOS / MS);
        figures.sides("time to first token", first[0], first[1]);
        figures.target("added time to first token p99",
                Figures.quantile(first[1], 0.99) - Figures.quantile(first[0], 0.99), MS);
        figures.target("added arrival p99, worst of the " + events + " events", worstEvent, MS);
        // A relay that holds an event back does it every time, so the event arrives bunched with
        // its successor in most streams; a busy machine bunches a few events at random, on both sides.
        int heldBack = 0;
        StringBuilder perEvent = new StringBuilder();
        for (int e = 0; e + 1 < events; e++) {
            perEvent.append(' ').append(bunched[0][e]).append('/').append(bunched[1][e]);
            if (bunched[1][e] * 2 > streams) {
                heldBack++;
            }
        }
        System.out.printf("  streams in which event k arrived bunched with event k+1 (direct/through tally):%s%n", perEvent);
        figures.zero("events held back (bunched in most streams)", heldBack, events - 1);
    }
}
