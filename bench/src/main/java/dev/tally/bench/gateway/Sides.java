package dev.tally.bench.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The two sides every measurement compares, sent with one JDK {@link HttpClient} (HTTP/1.1):
 * side (a) straight to the fake provider with its provider key, side (b) through the gateway
 * with a virtual key. Both get byte-identical request bodies. Thread-safe; every method blocks
 * until the whole answer has been read.
 */
final class Sides {

    static final String CHAT = "{\"model\":\"" + BenchProvider.MODEL
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    static final String STREAM = "{\"model\":\"" + BenchProvider.MODEL
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest[] chat = new HttpRequest[2];
    private final HttpRequest[] stream = new HttpRequest[2];

    /**
     * @param direct the fake provider's base URL (without {@code /v1})
     * @param providerKey the key the fake is called with directly
     * @param gateway the gateway's base URL
     * @param virtualKey the virtual key the gateway is called with
     */
    Sides(String direct, String providerKey, String gateway, String virtualKey) {
        String[] bases = {direct, gateway};
        String[] keys = {providerKey, virtualKey};
        for (int side = 0; side < 2; side++) {
            chat[side] = request(bases[side], keys[side], CHAT);
            stream[side] = request(bases[side], keys[side], STREAM);
        }
    }

    private static HttpRequest request(String base, String key, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends one non-streamed chat call on {@code side} (0 direct, 1 through Tally). */
    void chat(int side) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(chat[side], HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 || response.body().length < 100) {
            throw new IOException((side == 0 ? "direct" : "through tally") + ": status " + response.statusCode()
                    + " (expected: 200 with a chat completion): "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Sends one streamed chat call on {@code side} and returns, for each {@code data:} event in
     * arrival order, the nanoseconds from {@code sent} (a {@link System#nanoTime()} value) to its
     * arrival; the array has exactly {@link BenchProvider#STREAM_EVENTS} entries.
     */
    long[] stream(int side, long sent) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(stream[side], HttpResponse.BodyHandlers.ofInputStream());
        long[] arrivals = new long[BenchProvider.STREAM_EVENTS];
        int n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IOException("status " + response.statusCode() + " (expected: 200): " + in.readLine());
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data:")) {
                    long now = System.nanoTime();
                    if (n == arrivals.length) {
                        throw new IOException("stream: more than " + arrivals.length + " data events");
                    }
                    arrivals[n++] = now - sent;
                }
            }
        }
        if (n != arrivals.length) {
            throw new IOException((side == 0 ? "direct" : "through tally") + " stream: " + n + " data events (expected: "
                    + arrivals.length + ")");
        }
        return arrivals;
    }
}
