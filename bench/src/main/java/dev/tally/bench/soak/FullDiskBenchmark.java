package dev.tally.bench.soak;

import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.bench.gateway.BenchProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/fulldisk}: the figures issue 15 asks for, through the real entry point. A real
 * {@code tally serve} process (the launcher given as the first argument) keeps its whole data
 * directory on a small filesystem of its own (the script mounts a tmpfs, 20 MB by default) and
 * forwards to the in-process fake provider of the other benchmarks; {@code FULLDISK_CALLERS}
 * (16) callers without back-off send the soak's mixed traffic. After {@code FULLDISK_BEFORE}
 * seconds the filesystem is filled (a filler file written until ENOSPC), so the store and the
 * spill journal both fail, for {@code FULLDISK_FILL_SECONDS} (10), then emptied; traffic goes on
 * for {@code FULLDISK_AFTER} seconds. Then the callers stop and the gateway gets SIGTERM.
 *
 * <p>The gateway is started once more on the same data directory, so it replays whatever its
 * spill journal kept, and stopped; then every call record in its chain is counted. Prints: calls
 * by outcome; lost (calls answered 2xx without a record) and duplicated records; the lost count
 * the gateway itself gave ({@code tally_audit_lost_total}, and "could not be made durable" at
 * shutdown); the time from the emptying until {@code tally_audit_store_healthy} is 1 again and
 * until the next 2xx; the time SIGTERM took and the exit code; the gateway's log size (no floods).
 * One durability mode per run: arguments {@code <tally launcher> <data dir on its own fs> <work
 * dir> <durability> <when_unrecordable>}.
 */
public final class FullDiskBenchmark {

    private static final Pattern BANNER = Pattern.compile("tally listening on http://[^:]+:(\\d+) \\(audit: \\w+, chain: ([^)]+)\\)");

    private FullDiskBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path tally = Path.of(args[0]);
        Path data = Path.of(args[1]);
        Path work = Path.of(args[2]);
        String durability = args[3];
        String policy = args[4];
        int callers = env("FULLDISK_CALLERS", 16);
        int before = env("FULLDISK_BEFORE", 5);
        int fillSeconds = env("FULLDISK_FILL_SECONDS", 10);
        int after = env("FULLDISK_AFTER", 10);
        String mode = durability + "+" + policy;
        try (BenchProvider provider = BenchProvider.start()) {
            Path config = work.resolve("tally-" + mode + ".yaml");
            Files.writeString(config, yaml(provider.baseUrl(), durability, policy));
            Serve serve = Serve.start(tally, config, data, work.resolve("serve-" + mode + ".log"));
            Traffic traffic = new Traffic(serve.port);
            String key = traffic.createKey();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int caller = i;
                threads.add(Thread.ofVirtual().start(() -> traffic.loop(key, caller, stop)));
            }
            Thread.sleep(before * 1000L);
            long filled = fill(data.resolve("filler"));
            Thread.sleep(fillSeconds * 1000L);
            long emptied = System.nanoTime();
            traffic.watch(emptied);
            Files.deleteIfExists(data.resolve("filler"));
            long healthy = awaitMetric(traffic, "tally_audit_store_healthy", Duration.ofSeconds(60));
            long served = traffic.awaitServedAfter(emptied, Duration.ofSeconds(60));
            long restUntil = emptied + after * 1_000_000_000L;
            Thread.sleep(Math.max(0, (restUntil - System.nanoTime()) / 1_000_000));
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            long lostCounted = traffic.metric("tally_audit_lost_total");
            long refused = traffic.metric("tally_audit_refused_unrecordable_total");
            long summaries = traffic.metric("tally_audit_refusal_summaries_total");
            long forwardedUnrecordable = traffic.metric("tally_audit_forwarded_unrecordable_total");
            Serve.Stopped stopped = serve.sigterm(Duration.ofSeconds(60));
            long freeAtEnd = Files.getFileStore(data.getParent()).getUsableSpace();
            if (freeAtEnd < 1 << 20) {
                // The log itself filled the filesystem again (sync mode's WAL grows fast on 20 MB):
                // a gateway cannot start there, so give the replay room, as an operator would.
                grow(data.getParent(), 4 * env("FULLDISK_TMPFS_MB", 20));
            }
            // Once more on the same directory: the start replays what the spill journal kept.
            Serve.start(tally, config, data, work.resolve("serve-" + mode + "-replay.log")).sigterm(Duration.ofSeconds(60));
            Map<String, Integer> records = records(data.resolve("tally.db"), serve.chain);
            long duplicates = records.values().stream().filter(n -> n > 1).count();
            List<String> answered = traffic.answered2xx();
            long lost = answered.stream().filter(id -> !records.containsKey(id)).count();

            System.out.printf("%n== %s: %d callers, %d MB filler written at %d s, filesystem full for %d s ==%n", mode, callers,
                    filled >> 20, before, fillSeconds);
            System.out.println("calls: " + traffic.outcomes());
            System.out.printf("lost: %d of %d calls answered 2xx have no record; duplicated records: %d; call records: %d%n", lost,
                    answered.size(), duplicates, records.size());
            System.out.printf("gateway's own counts: tally_audit_lost_total %d, refused_unrecordable %d (in %d summaries), "
                    + "forwarded_unrecordable %d%n", lostCounted, refused, summaries, forwardedUnrecordable);
            System.out.printf("recovery after space returned: store committing (tally_audit_store_healthy 1) %s, next 2xx %s%n",
                    since(healthy, emptied), since(served, emptied));
            System.out.printf("SIGTERM: exited in %d ms with code %d: %s%n", stopped.millis, stopped.exitCode, stopped.lastLine);
            System.out.printf("free space on the data directory's filesystem after SIGTERM: %d KB%s%n", freeAtEnd >> 10,
                    freeAtEnd < 1 << 20 ? " (the records refilled it; grown for the replay start)" : "");
            System.out.printf("gateway log: %d lines, %d bytes (%s)%n", serve.logLines(), Files.size(serve.log), serve.log);
        }
    }

    /** Remounts the tmpfs at {@code mountPoint} with {@code megabytes} (needs root, as the mount did). */
    private static void grow(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mount", "-o", "remount,size=" + megabytes + "m", mountPoint.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("growing " + mountPoint + " failed: " + out);
        }
    }

    private static String since(long at, long emptied) {
        return at < 0 ? "NOT within 60 s" : (at - emptied) / 1_000_000 + " ms";
    }

    /** Every call record's id in {@code chain}, counted. */
    private static Map<String, Integer> records(Path db, String chain) {
        Map<String, Integer> ids = new HashMap<>();
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            store.scan(chain, row -> {
                if ("call".equals(row.columns().kind())) {
                    ids.merge(row.columns().id(), 1, Integer::sum);
                }
            });
        }
        return ids;
    }

    /** Polls a gauge every 20 ms until it reads 1; its time, or -1 after {@code atMost}. */
    private static long awaitMetric(Traffic traffic, String name, Duration atMost) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (traffic.metric(name) == 1) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    private static long fill(Path filler) {
        byte[] chunk = new byte[1 << 16];
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
                server: {host: 127.0.0.1, port: 0, shutdown_timeout: 30s}
                audit: {durability: %s, when_unrecordable: %s}
                providers:
                  - {name: fake, kind: openai, base_url: "%s/v1", api_key: sk-fulldisk-fake-provider-0001}
                  - {name: down, kind: openai, base_url: "http://127.0.0.1:1/v1", api_key: sk-fulldisk-down-provider-0002,
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

    /** A {@code tally serve} process, its port and chain read from its banner; output into {@code log}. */
    private record Serve(Process process, int port, String chain, Path log) {

        record Stopped(long millis, int exitCode, String lastLine) {
        }

        static Serve start(Path tally, Path config, Path data, Path log) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(tally.toString(), "serve", "--config", config.toString(), "--data", data.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("TALLY_NO_BUILD", "1");
            pb.environment().put("TALLY_ADMIN_TOKEN", Traffic.ADMIN_TOKEN);
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Matcher m = BANNER.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return new Serve(p, Integer.parseInt(m.group(1)), m.group(2), log);
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("tally serve exited with " + p.exitValue() + ": " + Files.readString(log));
                }
                Thread.sleep(50);
            }
            p.destroyForcibly();
            throw new IllegalStateException("tally serve did not start within 60 s: " + Files.readString(log));
        }

        /** SIGTERM, then waits for the exit; kills it after {@code atMost}. */
        Stopped sigterm(Duration atMost) throws IOException, InterruptedException {
            long t0 = System.nanoTime();
            process.destroy(); // SIGTERM
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new Stopped(-1, -1, "did not exit within " + atMost.toSeconds() + " s: killed");
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            String last = "";
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("tally stopped") || line.startsWith("tally: shutdown")) {
                    last = line;
                }
            }
            return new Stopped(millis, process.exitValue(), last);
        }

        long logLines() throws IOException {
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                return lines.count();
            }
        }
    }
}
