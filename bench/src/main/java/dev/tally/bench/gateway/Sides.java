package dev.tally.bench.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The two sides every measurement compares: side (a) straight to the fake provider with its
 * provider key, side (b) through the gateway with a virtual key, with byte-identical request
 * bodies. Non-streamed calls go through one JDK {@link HttpClient} (HTTP/1.1), streams through
 * one {@link RawStreamClient} connection per side (why: see there). {@link #chat} is
 * thread-safe, {@link #stream} is for one thread; both block until the whole answer has been read.
 */
final class Sides implements AutoCloseable {

    static final String CHAT = "{\"model\":\"" + BenchProvider.MODEL
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    static final String STREAM = "{\"model\":\"" + BenchProvider.MODEL
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest[] chat = new HttpRequest[2];
    private final RawStreamClient[] raw = new RawStreamClient[2];

    /**
     * @param direct the fake provider's base URL (without {@code /v1})
     * @param providerKey the key the fake is called with directly
     * @param gateway the gateway's base URL
     * @param virtualKey the virtual key the gateway is called with
     */
    Sides(String direct, String providerKey, String gateway, String virtualKey) throws IOException {
        String[] bases = {direct, gateway};
        String[] keys = {providerKey, virtualKey};
        for (int side = 0; side < 2; side++) {
            chat[side] = request(bases[side], keys[side], CHAT);
            raw[side] = new RawStreamClient(bases[side], "/v1/chat/completions", keys[side], STREAM);
        }
    }

    @Override
    public void close() throws IOException {
        for (RawStreamClient client : raw) {
            client.close();
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
     * Sends one streamed chat call on {@code side} through its {@link RawStreamClient} and
     * returns, for each {@code data:} event in arrival order, the nanoseconds from {@code sent}
     * (a {@link System#nanoTime()} value) to its arrival; exactly {@link BenchProvider#STREAM_EVENTS} entries.
     */
    long[] stream(int side, long sent) throws IOException {
        return raw[side].stream(sent, BenchProvider.STREAM_EVENTS);
    }
}
