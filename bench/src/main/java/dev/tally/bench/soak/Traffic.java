package dev.tally.bench.soak;

import dev.tally.bench.gateway.BenchProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's callers: one JDK {@link HttpClient} (HTTP/1.1, keep-alive), each caller in a loop
 * without back-off through a fixed mix of ten calls: six plain chat calls, two streams read to
 * the end, one stream abandoned after its first bytes (a cancel), and one error, alternately an
 * unknown model (404) and a model whose provider is down (502). Counts every outcome and keeps
 * the request id of every call answered 2xx and read to the end. Thread-safe.
 */
final class Traffic {

    static final String ADMIN_TOKEN = "tadm-soak-benchmark-admin-token-0001";
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"");

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
    private volatile long watchSince = Long.MAX_VALUE;
    private final AtomicLong firstServed = new AtomicLong();

    Traffic(int port) {
        this.port = port;
    }

    /** Creates the callers' virtual key through the admin API. */
    String createKey() throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri("/v1/admin/keys"))
                .header("authorization", "Bearer " + ADMIN_TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"soak\"}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"").matcher(res.body());
        if (res.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("creating the soak key: HTTP " + res.statusCode() + " " + res.body());
        }
        return m.group(1);
    }

    /** Calls until {@code stop}; {@code caller} staggers where in the mix each caller starts. */
    void loop(String key, int caller, AtomicBoolean stop) {
        for (long i = caller; !stop.get(); i++) {
            int kind = (int) (i % 10);
            try {
                switch (kind) {
                    case 6, 7 -> stream(key, false);
                    case 8 -> stream(key, true);
                    case 9 -> plain(key, i % 20 == 9 ? "no-such-model" : "down-model");
                    default -> plain(key, BenchProvider.MODEL);
                }
            } catch (IOException e) {
                count("connection cut or refused");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void plain(String key, String model) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(request(key, model, false), HttpResponse.BodyHandlers.ofString());
        outcome(res.statusCode(), res.body(), res.headers().firstValue("x-request-id").orElse(null), "json");
    }

    private void stream(String key, boolean cancel) throws IOException, InterruptedException {
        HttpResponse<InputStream> res = http.send(request(key, BenchProvider.MODEL, true), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body()) {
            if (res.statusCode() != 200) {
                outcome(res.statusCode(), new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), null, "stream");
            } else if (cancel) {
                body.readNBytes(16); // the first bytes, then the client goes away
                count("stream cancelled by the client");
            } else {
                String text = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (text.endsWith("data: [DONE]\n\n")) {
                    outcome(200, text, res.headers().firstValue("x-request-id").orElse(null), "stream");
                } else {
                    count("stream 200 but ended early");
                }
            }
        }
    }

    private void outcome(int status, String body, String requestId, String what) {
        if (status / 100 == 2) {
            answered.add(requestId);
            long now = System.nanoTime();
            if (now > watchSince) {
                firstServed.compareAndSet(0, now);
            }
            count(status + " " + what);
            return;
        }
        Matcher m = CODE.matcher(body);
        count(status + " " + (m.find() ? m.group(1) : body.startsWith("{") ? "json" : "NOT JSON"));
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /**
     * Waits for the first call answered 2xx after {@code since} (a {@link System#nanoTime()} value
     * taken before the space came back); returns its time, or -1 after {@code atMost}.
     */
    long awaitServedAfter(long since, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (firstServed.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long served = firstServed.get();
        watchSince = Long.MAX_VALUE;
        firstServed.set(0);
        return served == 0 ? -1 : served;
    }

    /** Starts watching for the first 2xx after now; call just before giving the space back. */
    void watch(long since) {
        firstServed.set(0);
        watchSince = since;
    }

    /** A counter or gauge from {@code GET /metrics} (0 when absent). */
    long metric(String name) throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+]+)$").matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Request ids of the calls answered 2xx and read to the end. */
    List<String> answered2xx() {
        return List.copyOf(answered);
    }

    /** Outcome → count, sorted. */
    Map<String, Long> outcomes() {
        Map<String, Long> out = new TreeMap<>();
        outcomes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private HttpRequest request(String key, String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, soak.\"}]}";
        return HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
