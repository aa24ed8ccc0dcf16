package dev.tally.bench.soak;

import dev.tally.audit.recorder.CloseResult;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.bench.gateway.BenchProvider;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.GatewayRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code bench/soak}: a real gateway ({@link GatewayRuntime}, as {@code tally serve} runs it) with
 * its whole data directory on a small filesystem of its own, under mixed traffic from
 * {@code SOAK_CALLERS} callers without back-off for {@code SOAK_SECONDS}: plain calls, streams,
 * streams the client abandons after the first event, unknown models (404) and calls to a
 * provider that is down (502). {@code SOAK_FILLS} times (default twice: at a quarter and at
 * 65% of the run) the filesystem is filled (a filler file written until ENOSPC) for
 * {@code SOAK_FILL_SECONDS} and emptied. At the end the gateway is shut down, the audit log is reopened (replaying the spill
 * journal) and every call the client saw answered 2xx is looked up.
 *
 * <p>Prints the calls by outcome, the records, the calls answered 2xx without a record, the
 * records counted lost, duplicates, the time from each emptying to the next 2xx, the shutdown,
 * and RSS and open file descriptors of this JVM (gateway, fake provider and callers together) at
 * start and end. Arguments: the data directory and whether it is its own filesystem (the
 * script mounts a tmpfs when run as root); without one nothing is filled.
 */
public final class SoakBenchmark {

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean ownFilesystem = args.length > 1 && args[1].equals("1");
        int seconds = env("SOAK_SECONDS", 600);
        int callers = env("SOAK_CALLERS", 16);
        int fillSeconds = env("SOAK_FILL_SECONDS", 10);
        String durability = System.getenv().getOrDefault("SOAK_DURABILITY", "async");
        String policy = System.getenv().getOrDefault("SOAK_WHEN_UNRECORDABLE", "refuse");
        System.out.printf("soak: %d s, %d callers, data dir %s (%s), durability %s, when_unrecordable %s%n", seconds, callers, dir,
                ownFilesystem ? "its own tmpfs, filled twice for " + fillSeconds + " s" : "not its own filesystem: never filled",
                durability, policy);
        Process self = new Process();
        try (BenchProvider provider = BenchProvider.start()) {
            GatewayConfig config = ConfigLoader.parse(yaml(provider.baseUrl(), durability, policy), dir,
                    Map.of("TALLY_ADMIN_TOKEN", Traffic.ADMIN_TOKEN));
            GatewayRuntime runtime = GatewayRuntime.start(config, dir, Clock.systemUTC());
            String chain = runtime.chain();
            Traffic traffic = new Traffic(runtime.port());
            String key = traffic.createKey();
            String start = self.snapshot();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int caller = i;
                threads.add(Thread.ofVirtual().start(() -> traffic.loop(key, caller, stop)));
            }
            long t0 = System.nanoTime();
            List<Long> recoveries = new ArrayList<>();
            int fills = env("SOAK_FILLS", 2);
            for (int f = 0; f < fills; f++) {
                double at = fills == 1 ? 0.25 : 0.25 + 0.4 * f / (fills - 1); // 0.25 and 0.65 for two
                sleepUntil(t0 + (long) (seconds * at * 1e9));
                if (ownFilesystem) {
                    long filled = fill(dir.resolve("filler"));
                    System.out.printf("soak: filled the filesystem at %.0f s (%d MB of filler)%n", elapsed(t0), filled >> 20);
                    Thread.sleep(fillSeconds * 1000L);
                    long emptied = System.nanoTime();
                    traffic.watch(emptied);
                    Files.deleteIfExists(dir.resolve("filler"));
                    long healthy = awaitStoreHealthy(traffic, Duration.ofSeconds(60));
                    long served = traffic.awaitServedAfter(emptied, Duration.ofSeconds(60));
                    recoveries.add(served < 0 ? -1 : (served - emptied) / 1_000_000);
                    System.out.printf("soak: emptied at %.0f s; tally_audit_store_healthy back to 1 %s; first call answered 2xx %s%n",
                            elapsed(t0), healthy < 0 ? "NOT within 60 s" : (healthy - emptied) / 1_000_000 + " ms later",
                            served < 0 ? "NOT within 60 s" : (served - emptied) / 1_000_000 + " ms later");
                }
            }
            sleepUntil(t0 + seconds * 1_000_000_000L);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            long lostCounted = traffic.metric("tally_audit_lost_total");
            String end = self.snapshot();
            GatewayRuntime.Shutdown shutdown = runtime.shutdown(config.server().shutdownTimeout());
            Map<String, Integer> records;
            try {
                records = records(dir, chain);
            } catch (RuntimeException e) {
                System.out.println("records: the audit log could not be reopened and replayed: " + e.getMessage());
                System.out.println("calls: " + traffic.outcomes());
                return;
            }
            long duplicates = records.values().stream().filter(n -> n > 1).count();
            long without = traffic.answered2xx().stream().filter(id -> !records.containsKey(id)).count();
            CloseResult closed = shutdown.audit();
            System.out.println("calls: " + traffic.outcomes());
            System.out.printf("records: %d call records in the chain after replay; %d answered 2xx without a record; "
                    + "%d duplicates; lost counted: %d (tally_audit_lost_total) + %d not durable at shutdown%n",
                    records.size(), without, duplicates, lostCounted, closed.notDurable());
            System.out.println("recovery after space returned (ms to the next 2xx): " + recoveries);
            System.out.printf("shutdown: %d ms (%d stored, %d journaled, %d not durable; calls drained: %s)%n",
                    shutdown.took().toMillis(), closed.stored(), closed.journaled(), closed.notDurable(), shutdown.callsDrained());
            System.out.println("start: " + start);
            System.out.println("end:   " + end);
        }
    }

    /** Every call record's id in the chain, counted, after a recorder replayed whatever the journal kept. */
    private static Map<String, Integer> records(Path dir, String chain) {
        Map<String, Integer> ids = new HashMap<>();
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            Recorder.start(store, RecorderConfig.defaults(chain, dir.resolve("gateway")), Clock.systemUTC())
                    .close(Duration.ofSeconds(30));
            store.scan(chain, row -> {
                if ("call".equals(row.columns().kind())) {
                    ids.merge(row.columns().id(), 1, Integer::sum);
                }
            });
        }
        return ids;
    }

    /** Polls the metric every 20 ms; returns when it read 1, or -1 after {@code atMost}. */
    private static long awaitStoreHealthy(Traffic traffic, Duration atMost) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (traffic.metric("tally_audit_store_healthy") == 1) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    private static long fill(Path filler) {
        byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            return written; // ENOSPC
        }
    }

    private static String yaml(String fake, String durability, String policy) {
        return """
                server: {host: 127.0.0.1, port: 0}
                audit: {durability: %s, when_unrecordable: %s}
                providers:
                  - {name: fake, kind: openai, base_url: "%s/v1", api_key: sk-soak-fake-provider-0001}
                  - {name: down, kind: openai, base_url: "http://127.0.0.1:1/v1", api_key: sk-soak-down-provider-0002,
                     retries: {max: 0}, timeouts: {connect: 1s}}
                models:
                  %s: {provider: fake}
                  down-model: {provider: down}
                """.formatted(durability, policy, fake, BenchProvider.MODEL);
    }

    private static int env(String name, int fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' (expected: a positive integer)");
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }

    private static double elapsed(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** This JVM's resident memory and open file descriptors, from /proc. */
    private static final class Process {
        String snapshot() {
            String rss = "?";
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = line.substring(6).strip();
                    }
                }
            } catch (IOException e) {
                rss = "unknown (" + e.getMessage() + ")";
            }
            long fds;
            try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
                fds = list.count();
            } catch (IOException e) {
                fds = -1;
            }
            return "RSS " + rss + ", open fds " + fds;
        }
    }
}
