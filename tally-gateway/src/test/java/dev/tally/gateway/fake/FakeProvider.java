package dev.tally.gateway.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process LLM provider on a real socket that answers each request with the next scripted
 * {@link Reply}: JSON (any status, any headers) or an SSE stream written event by event with
 * flushes, optionally breaking off. It records every request it received (path, headers, body)
 * and counts streams whose client went away. Speaks both OpenAI and Anthropic: the script
 * decides the shape. Thread-safe.
 */
public final class FakeProvider implements AutoCloseable {

    static {
        // The JDK server's own Nagle switch: without it every SSE event could wait 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as received. */
    public record Received(String method, String path, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** What to answer. */
    @FunctionalInterface
    public interface Reply {
        void write(HttpExchange exchange, FakeProvider provider) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger clientGone = new AtomicInteger();
    private final CountDownLatch clientGoneLatch = new CountDownLatch(1);
    private volatile Reply otherwise;

    public FakeProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Queues replies, answered in order, one per request. */
    public FakeProvider then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers {@code reply} whenever no scripted reply is left (instead of a 500), e.g. under load. */
    public FakeProvider otherwise(Reply reply) {
        this.otherwise = reply;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Streams the provider could not finish because the gateway closed the connection. */
    public int streamsCutByClient() {
        return clientGone.get();
    }

    /** Waits until a stream was cut by the gateway (returns false after {@code timeout}). */
    public boolean awaitStreamCut(Duration timeout) throws InterruptedException {
        return clientGoneLatch.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
            Reply reply = script.pollFirst();
            if (reply == null) {
                reply = otherwise;
            }
            if (reply == null) {
                reply = json(500, "{\"error\":{\"message\":\"fake provider: no reply scripted\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
            }
            reply.write(exchange, this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- replies ----

    /** A JSON answer. */
    public static Reply json(int status, String body, String... headerPairs) {
        return (exchange, provider) -> {
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                exchange.getResponseHeaders().add(headerPairs[i], headerPairs[i + 1]);
            }
            exchange.getResponseHeaders().set("content-type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** Waits {@code delay} before answering with {@code then}: a slow first byte. */
    public static Reply after(Duration delay, Reply then) {
        return (exchange, provider) -> {
            Thread.sleep(delay.toMillis());
            then.write(exchange, provider);
        };
    }

    /** An SSE stream of {@code events} (each a complete event, blank line included). */
    public static Reply sse(List<String> events) {
        return sse(events, Duration.ZERO);
    }

    /**
     * An SSE stream, {@code gap} between events. A script whose events lack the protocol's end
     * ({@code [DONE]}, {@code message_stop}) is a provider that broke off mid-stream.
     */
    public static Reply sse(List<String> events, Duration gap) {
        return (exchange, provider) -> {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            try {
                out.flush(); // headers now, events later: a stream's first byte is its headers
                for (String event : events) {
                    if (!gap.isZero()) {
                        Thread.sleep(gap.toMillis());
                    }
                    out.write(event.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException gone) {
                provider.clientGone.incrementAndGet();
                provider.clientGoneLatch.countDown();
                return;
            }
        };
    }

    /**
     * Sends {@code first}, then waits (up to 20 s) until {@code clientGotIt} is opened before sending
     * {@code rest}; {@code waitedInVain} is set when the wait ran out, i.e. the first event never
     * reached the client on its own (someone buffered it).
     */
    public static Reply lockstep(String first, java.util.concurrent.CountDownLatch clientGotIt,
            java.util.concurrent.atomic.AtomicBoolean waitedInVain, List<String> rest) {
        return (exchange, provider) -> {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!clientGotIt.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                waitedInVain.set(true);
            }
            for (String event : rest) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /**
     * Sends the status line and headers, then waits (up to 20 s) until {@code clientGotHeaders} is
     * opened before sending any event; {@code waitedInVain} is set when the wait ran out, i.e.
     * the headers never reached the client before an event did.
     */
    public static Reply headersFirst(java.util.concurrent.CountDownLatch clientGotHeaders,
            java.util.concurrent.atomic.AtomicBoolean waitedInVain, List<String> events) {
        return (exchange, provider) -> {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.flush();
            if (!clientGotHeaders.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                waitedInVain.set(true);
            }
            for (String event : events) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /** Events repeated: {@code count} copies of {@code event}. */
    public static List<String> repeat(String event, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(event);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
