package dev.tally.bench.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI provider whose streams stay open: {@code POST /v1/chat/completions} with
 * {@code "stream": true} answers a chat stream (WIRE.md shapes: role chunk, content chunks, finish
 * chunk, usage chunk, {@code [DONE]}) whose content chunks are written and flushed one every
 * {@code gap} for {@code duration}, like a model generating slowly. A request whose body contains
 * {@link #WARM_UP} gets the same stream without pauses, for warming the gateway up. Runs on
 * {@code com.sun.net.httpserver} with one virtual thread per exchange. Thread-safe;
 * {@link #close()} returns once the server stopped.
 */
final class SlowStreamProvider implements AutoCloseable {

    /** Marker in a request body asking for a stream without pauses. */
    static final String WARM_UP = "warm-up";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration gap;
    private final int chunks;
    private final AtomicInteger open = new AtomicInteger();

    private SlowStreamProvider(HttpServer server, Duration gap, int chunks) {
        this.server = server;
        this.gap = gap;
        this.chunks = chunks;
    }

    /** Starts on a free loopback port; returns once it listens. */
    static SlowStreamProvider start(Duration gap, Duration duration) throws IOException {
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        System.setProperty("sun.net.httpserver.idleInterval", "600");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        int chunks = (int) Math.max(1, duration.toMillis() / Math.max(1, gap.toMillis()));
        SlowStreamProvider provider = new SlowStreamProvider(server, gap, chunks);
        server.setExecutor(provider.executor);
        server.createContext("/v1/chat/completions", provider::chat);
        server.start();
        return provider;
    }

    /** The base URL the gateway is configured with, without the trailing {@code /v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Streams being written right now. */
    int open() {
        return open.get();
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean warmUp = body.contains(WARM_UP);
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.getResponseHeaders().set("cache-control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            open.incrementAndGet();
            try {
                write(out, chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
                for (int i = 0; i < chunks; i++) {
                    if (!warmUp) {
                        Thread.sleep(gap.toMillis());
                    }
                    write(out, chunk("{\"content\":\"token " + i + " \"}", null));
                }
                write(out, chunk("{}", "\"stop\""));
                write(out, "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                        + "\"model\":\"" + BenchProvider.MODEL + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
                        + "\"completion_tokens\":" + (chunks * 3) + ",\"total_tokens\":" + (9 + chunks * 3) + "}}\n\n");
                write(out, "data: [DONE]\n\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.decrementAndGet();
            }
        }
    }

    private static void write(OutputStream out, String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + BenchProvider.MODEL + "\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : finish) + "}]}\n\n";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
