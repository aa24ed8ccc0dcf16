package dev.tally.gateway.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver over a real socket (the JDK's {@code com.sun.net.httpserver}) that checks
 * each request as docs/spend.md tells a receiver to, written here independently of
 * {@link WebhookSignature}: HMAC-SHA-256 under its secret over {@code timestamp + "." + body},
 * hex, after {@code v1=}, compared in constant time, timestamp within five minutes. A valid
 * request gets 204, an invalid one 401. It can be stopped and started again on the same port.
 * Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Delivery(String id, String timestamp, String signature, String attempt, String body, boolean valid) {
    }

    private final String secret;
    private final int port;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private HttpServer server; // guarded by this

    /** A receiver for {@code port} (0: any free port), not yet listening. */
    WebhookReceiver(String secret, int port) throws IOException {
        this.secret = secret;
        if (port == 0) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        this.port = port;
    }

    synchronized WebhookReceiver start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        s.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("x-tally-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("x-tally-signature");
            boolean valid = valid(timestamp, signature, body);
            deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("x-tally-delivery"), timestamp, signature,
                    exchange.getRequestHeaders().getFirst("x-tally-attempt"), new String(body, StandardCharsets.UTF_8),
                    valid));
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
            exchange.close();
        });
        s.start();
        server = s;
        return this;
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    private boolean valid(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null || !signature.startsWith("v1=")) {
            return false;
        }
        try {
            if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > Duration.ofMinutes(5).toSeconds()) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((timestamp + "." + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(signature.substring(3)));
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
