package dev.tally.bench.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A small, fast fake OpenAI provider for the gateway benchmark: {@code POST /v1/chat/completions}
 * answers a fixed chat completion (JSON) at once, or, when the request says
 * {@code "stream": true}, a fixed stream of {@link #STREAM_EVENTS} server-sent events (role
 * chunk, content chunks, finish chunk, usage chunk, {@code [DONE]}) written and flushed one by
 * one, {@link #GAP_NANOS} apart, so an event a relay holds back shows up as two events arriving
 * together. Wire shapes as in WIRE.md. Runs on {@code com.sun.net.httpserver} with one virtual
 * thread per exchange. Thread-safe; {@link #close()} returns once the server stopped.
 */
public final class BenchProvider implements AutoCloseable {

    /** Data events in every streamed answer. */
    public static final int STREAM_EVENTS = 9;
    /** Pause between two streamed events. */
    public static final long GAP_NANOS = 2_000_000;
    /** The model name answered (the gateway forwards the public name unchanged). */
    public static final String MODEL = "bench-model";

    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final byte[] COMPLETION = ("""
            {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"%s",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},\
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18,\
            "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"""
            .formatted(MODEL)).getBytes(StandardCharsets.UTF_8);
    private static final List<byte[]> EVENTS = streamEvents();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private BenchProvider(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free loopback port; returns once it listens. */
    public static BenchProvider start() throws IOException {
        // The JDK server closes idle keep-alive connections beyond 200 by default; a client
        // reusing one of them then fails. Keep them all, as a real provider's front end does.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        System.setProperty("sun.net.httpserver.idleInterval", "600");
        // Nagle off, as on a real provider's front end: without it a small event can wait for
        // the previous one's ACK on both sides of the comparison.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        BenchProvider provider = new BenchProvider(server);
        server.setExecutor(provider.executor);
        server.createContext("/v1/chat/completions", provider::chat);
        server.start();
        return provider;
    }

    /** The base URL clients and the gateway use, without the trailing {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(readBody(exchange), StandardCharsets.UTF_8);
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (STREAM.matcher(body).find()) {
                stream(exchange);
            } else {
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(200, COMPLETION.length);
                exchange.getResponseBody().write(COMPLETION);
            }
        }
    }

    /** The request body, read into an array of its declared length (no 16 KiB buffer per request). */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("content-length");
        if (length == null) {
            return exchange.getRequestBody().readAllBytes();
        }
        byte[] body = new byte[Integer.parseInt(length.strip())];
        int n = exchange.getRequestBody().readNBytes(body, 0, body.length);
        return n == body.length ? body : java.util.Arrays.copyOf(body, n);
    }

    private static void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream");
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < EVENTS.size(); i++) {
            if (i > 0) {
                pause(GAP_NANOS);
            }
            out.write(EVENTS.get(i));
            out.flush();
        }
    }

    private static void pause(long nanos) throws IOException {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming", e);
        }
    }

    private static List<byte[]> streamEvents() {
        List<String> events = new ArrayList<>();
        events.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        for (String piece : List.of("Hello", "! How", " can I", " help", " you?")) {
            events.add(chunk("{\"content\":\"" + piece + "\"}", null));
        }
        events.add(chunk("{}", "\"stop\""));
        events.add("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + MODEL + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n");
        events.add("data: [DONE]\n\n");
        if (events.size() != STREAM_EVENTS) {
            throw new IllegalStateException("stream events: " + events.size() + " (expected: " + STREAM_EVENTS + ")");
        }
        return events.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : finish) + "}]}\n\n";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
