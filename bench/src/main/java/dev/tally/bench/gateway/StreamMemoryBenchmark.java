package dev.tally.bench.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gateway memory under many open streams: the peak resident set of a real {@code tally serve}
 * while {@code streams} (default 1,000) streamed chat calls are open through it at once.
 *
 * <p>The gateway runs as its own process, started with the product's launcher exactly as a user
 * starts it ({@code ./tally serve --config tally.yaml --data DIR}: the launcher's JVM flags, async
 * audit into SQLite, payloads off), so its memory is not mixed with the client's or the fake's.
 * The fake provider ({@link SlowStreamProvider}) runs in this JVM and writes one content chunk per
 * stream every 500 ms for {@code seconds} (default 30), like a model generating slowly; the client
 * is one JDK {@link java.net.http.HttpClient} (HTTP/1.1, one connection per stream) reading every
 * stream to its end on a virtual thread. After 200 short streams to warm the gateway up, the
 * streams are started evenly over 10 s (so from then on all are open at once); while they are open the gateway's {@code VmRSS} is sampled every
 * 200 ms from {@code /proc/<pid>/status}, and at the end its {@code VmHWM} (the kernel's
 * high-water mark of the resident set over the process's whole life, start-up included) is read.
 *
 * <p>Prints idle and peak figures, the cost per open stream, and the heap as the JVM saw it
 * while every stream was open ({@code jcmd GC.heap_info}). Exits 1 when the peak is over 300 MB
 * (10^6 bytes) or a stream failed. Linux only ({@code /proc}).
 */
final class StreamMemoryBenchmark {

    /** The bar from issue 3: peak RSS under 1,000 concurrent open streams. */
    static final long TARGET_BYTES = 300_000_000L;
    private static final Duration GAP = Duration.ofMillis(500);
    /** Streams are started evenly over this time; each lasts {@code seconds}, at least three times as long. */
    private static final Duration RAMP = Duration.ofSeconds(10);

    private StreamMemoryBenchmark() {
    }

    static void run(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        if (streams < 1 || seconds < 30) {
            throw new IllegalArgumentException("rss [streams] [seconds]: " + streams + " " + seconds
                    + " (expected: streams >= 1, seconds >= 30)");
        }
        Path launcher = Path.of("tally").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + ": not found (expected: run from the repository root, as bench/gateway does)");
        }
        Path dir = Files.createTempDirectory("tally-rss-bench");
        System.out.printf("gateway memory: %,d concurrent streams of %d s through `./tally serve`, %d cpus, data in %s%n",
                streams, seconds, Runtime.getRuntime().availableProcessors(), dir);
        boolean ok;
        try (SlowStreamProvider fake = SlowStreamProvider.start(GAP, Duration.ofSeconds(seconds))) {
            String key = GatewayBenchmark.createKey(dir);
            int port = freePort();
            Path yaml = Files.writeString(dir.resolve("tally.yaml"), yaml(fake.baseUrl(), port));
            Process serve = new ProcessBuilder(launcher.toString(), "serve", "--config", yaml.toString(), "--data",
                    dir.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
            try {
                ok = measure(serve, port, key, fake, streams, seconds, dir);
            } finally {
                stop(serve);
            }
        } finally {
            GatewayBenchmark.deleteTree(dir);
        }
        System.exit(ok ? 0 : 1);
    }

    private static boolean measure(Process serve, int port, String key, SlowStreamProvider fake, int streams, int seconds,
            Path dir) throws Exception {
        String base = "http://127.0.0.1:" + port;
        awaitHealthy(serve, base, dir.resolve("serve.log"));
        long pid = serve.pid(); // the launcher execs the JVM, so its pid is the gateway's
        String command = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').strip();
        System.out.println("gateway pid " + pid + ": " + command);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(120)).build();
        for (int i = 0; i < 200; i++) {
            if (readStream(http, request(base, key, SlowStreamProvider.WARM_UP), null) < 0) {
                throw new IOException("warm-up stream " + i + " did not end with [DONE]");
            }
        }
        Thread.sleep(2_000); // let the warm-up's garbage settle before the idle reading
        long idle = status(pid, "VmRSS");

        HttpRequest hold = request(base, key, "hold");
        CountDownLatch started = new CountDownLatch(streams);
        CountDownLatch ended = new CountDownLatch(streams);
        AtomicInteger failed = new AtomicInteger();
        java.util.Map<String, AtomicInteger> reasons = new java.util.concurrent.ConcurrentHashMap<>();
        long maxRss = 0;
        int maxOpen = 0;
        String heapWhileOpen = "";
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            long rampStart = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                // Streams start over the first third of their length, not all in one instant: a
                // thousand connects in one burst overruns the fake's accept loop, which is not
                // what is measured here; from then on every stream is open at once.
                long at = rampStart + RAMP.toNanos() * i / streams;
                java.util.concurrent.locks.LockSupport.parkNanos(at - System.nanoTime());
                clients.submit(() -> {
                    try {
                        int events = readStream(http, hold, started);
                        if (events < 0) {
                            failed.incrementAndGet();
                            reasons.computeIfAbsent("no [DONE]", r -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        failed.incrementAndGet();
                        reasons.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(),
                                r -> new AtomicInteger()).incrementAndGet();
                    } finally {
                        started.countDown(); // no-op beyond zero; frees the wait for a stream that failed early
                        ended.countDown();
                    }
                });
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds + 900L).toNanos();
            while (!ended.await(200, TimeUnit.MILLISECONDS)) {
                maxRss = Math.max(maxRss, status(pid, "VmRSS"));
                int open = fake.open();
                if (open > maxOpen) {
                    maxOpen = open;
                    if (open >= streams * 0.95 && heapWhileOpen.isEmpty()) {
                        heapWhileOpen = heapInfo(pid);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("streams still open " + (seconds + 900) + " s after they started");
                }
            }
        }
        long peak = status(pid, "VmHWM");
        System.out.printf("  idle after warm-up           VmRSS %6.1f MB%n", mb(idle));
        System.out.printf("  %,d streams open             VmRSS %6.1f MB (highest 200 ms sample; %,d open upstream at most)%n",
                streams, mb(maxRss), maxOpen);
        System.out.printf("  per open stream              %6.1f KB%n", (maxRss - idle) / 1000.0 / streams);
        if (!heapWhileOpen.isEmpty()) {
            System.out.println("  heap with every stream open (jcmd GC.heap_info):");
            heapWhileOpen.lines().filter(l -> !l.isBlank() && !l.startsWith(pid + ":")).limit(8)
                    .forEach(l -> System.out.println("    " + l.strip()));
        }
        boolean met = peak <= TARGET_BYTES;
        System.out.printf("  peak RSS (VmHWM)             %6.1f MB   target <= %d MB   %s%n", mb(peak), TARGET_BYTES / 1_000_000,
                met ? "ok" : "NOT MET");
        if (failed.get() > 0) {
            System.out.println("  " + failed.get() + " stream(s) failed: " + reasons);
        }
        return met && failed.get() == 0 && maxOpen == streams;
    }

    /**
     * Reads one stream to its end; counts {@code started} down at its first data event. Returns the
     * number of data events, or -1 when {@code [DONE]} never came.
     *
     * @throws IOException when the status is not 200 (the message carries it and the start of the body)
     */
    private static int readStream(HttpClient http, HttpRequest request, CountDownLatch started)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int events = 0;
        boolean done = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                String first = in.readLine();
                throw new IOException("status " + response.statusCode() + ": "
                        + (first == null ? "" : first.substring(0, Math.min(first.length(), 160))));
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data:")) {
                    if (events++ == 0 && started != null) {
                        started.countDown();
                    }
                    done = line.equals("data: [DONE]");
                }
            }
        }
        return done ? events : -1;
    }

    private static HttpRequest request(String base, String key, String content) {
        String body = "{\"model\":\"" + BenchProvider.MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + content + "\"}]}";
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofMinutes(15))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * The gateway's configuration: the slow fake as its one provider with long timeouts, one
     * priced model, defaults otherwise (async audit, payloads off).
     */
    private static String yaml(String fake, int port) {
        return """
                server: {host: 127.0.0.1, port: %d}
                admin: {token: bench-admin-token-0000}
                providers:
                  - name: fake
                    kind: openai
                    base_url: %s/v1
                    api_key: sk-bench-provider-secret-0001
                    retries: {max: 0}
                    # generous: this measures memory, and a busy shared machine may be slow to connect
                    timeouts: {connect: 60s, first_byte: 300s, idle: 300s, total: 900s}
                models:
                  %s:
                    provider: fake
                    price: {input: "2.50", output: "10.00"}
                """.formatted(port, fake, BenchProvider.MODEL);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until {@code GET /health} answers 200 (the launcher may build the jar first: up to 10 minutes). */
    private static void awaitHealthy(Process serve, String base, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!serve.isAlive()) {
                throw new IOException("tally serve exited with " + serve.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("tally serve not healthy within 10 minutes:\n" + Files.readString(log));
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, in bytes. */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip()) * 1024;
            }
        }
        throw new IOException("/proc/" + pid + "/status: no " + field);
    }

    /** {@code jcmd <pid> GC.heap_info} from this JDK, or empty when it cannot run. */
    private static String heapInfo(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGTERM (the gateway drains its audit log and exits), then SIGKILL after 60 s. */
    private static void stop(Process serve) throws InterruptedException {
        serve.destroy();
        if (!serve.waitFor(60, TimeUnit.SECONDS)) {
            serve.destroyForcibly().waitFor();
        }
    }

    private static double mb(long bytes) {
        return bytes / 1_000_000.0;
    }
}
