package dev.tally.gateway.server;

import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.dashboard.DashboardHandler;
import dev.tally.gateway.proxy.Endpoint;
import dev.tally.gateway.proxy.ModelsHandler;
import dev.tally.gateway.proxy.ProxyHandler;
import dev.tally.gateway.proxy.ProxyServices;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The HTTP listener: Helidon SE 4 on virtual threads (one per request, blocking handler code),
 * TCP_NODELAY on accepted sockets. Routes: the proxied {@link Endpoint}s, {@code GET /v1/models},
 * {@code GET /health}, {@code GET /dashboard} (the web dashboard's files), {@code GET /} (a redirect
 * to {@code /dashboard}, {@link RootRedirect}); more routes (admin, metrics) can be added through {@code extraRoutes}.
 * Thread-safe; {@link #close()} stops accepting and waits for calls in flight (bounded).
 */
public final class GatewayServer implements AutoCloseable {

    /** Largest request body accepted (413 above). */
    public static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

    private final WebServer server;

    private GatewayServer(WebServer server) {
        this.server = server;
    }

    /** Starts listening; returns once the port is bound. */
    public static GatewayServer start(GatewayConfig config, ProxyServices services, AuditSink sink,
            Consumer<HttpRouting.Builder> extraRoutes) {
        HttpRouting.Builder routing = HttpRouting.builder();
        for (Endpoint endpoint : Endpoint.values()) {
            routing.post(endpoint.path(), ProxyHandler.route(endpoint, services));
        }
        routing.get("/v1/models", ModelsHandler.route(config, services, services.clock().instant()));
        routing.get("/health", new HealthHandler(sink));
        DashboardHandler.register(routing);
        RootRedirect.register(routing);
        extraRoutes.accept(routing);
        // Last: any other path or method is a JSON 404 with a catalogued code, not Helidon's text.
        routing.any(UnknownRoute::handle);
        StartupTimeline.mark("routing");
        WebServer server = WebServer.builder()
                .host(config.server().host())
                .port(config.server().port())
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .directHandlers(TransportErrors.handlers())
                .maxPayloadSize(MAX_BODY_BYTES)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(30))
                .routing(routing)
                .build()
                .start();
        return new GatewayServer(server);
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
