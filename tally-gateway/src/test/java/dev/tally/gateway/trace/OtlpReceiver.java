package dev.tally.gateway.trace;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written OTLP/HTTP trace receiver on 127.0.0.1: accepts {@code POST /v1/traces} with a
 * protobuf {@code ExportTraceServiceRequest}, keeps the raw bytes, the headers and the decoded
 * request, and answers with the scripted status (200 and an empty response by default).
 * Thread-safe.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One export as received. */
    record Export(String path, Map<String, String> headers, byte[] body, ExportTraceServiceRequest request) {
    }

    private final HttpServer server;
    private final List<Export> exports = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final CountDownLatch firstArrived = new CountDownLatch(1);

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base address (no path), e.g. {@code http://127.0.0.1:4318}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers every later export with {@code code} (an OTLP receiver refusing the data). */
    void answer(int code) {
        this.status = code;
    }

    /** Later exports are read, then left unanswered until {@link #release()}: a collector that hangs. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    /** Waits (at most {@code seconds}) until an export has arrived; false when none did. */
    boolean awaitExport(long seconds) throws InterruptedException {
        return firstArrived.await(seconds, TimeUnit.SECONDS);
    }

    List<Export> exports() {
        return List.copyOf(exports);
    }

    /** Every span received, across exports. */
    List<io.opentelemetry.proto.trace.v1.Span> spans() {
        List<io.opentelemetry.proto.trace.v1.Span> out = new ArrayList<>();
        for (Export e : exports) {
            e.request().getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            exports.add(new Export(exchange.getRequestURI().getPath(), headers, body, ExportTraceServiceRequest.parseFrom(body)));
            firstArrived.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] answer = status == 200 ? ExportTraceServiceResponse.getDefaultInstance().toByteArray() : new byte[0];
            exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
