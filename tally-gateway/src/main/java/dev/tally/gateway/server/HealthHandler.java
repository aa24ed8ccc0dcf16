package dev.tally.gateway.server;

import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.Durability;
import dev.tally.gateway.audit.AuditSink;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /health}: liveness and store status, no auth, no record:
 * {@code {"status":"ok"|"degraded"|"refusing","store":"ok"|"unavailable","durability":"async"|"sync"}}.
 * 200 while calls are served; 503 when the store is down in sync mode (calls are then refused,
 * so a load balancer should route elsewhere). Thread-safe; returns once the answer was sent.
 */
public final class HealthHandler implements Handler {

    private final AuditSink sink;

    public HealthHandler(AuditSink sink) {
        this.sink = sink;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        boolean healthy = sink.storeHealthy();
        boolean refusing = !healthy && sink.durability() == Durability.SYNC;
        String status = healthy ? "ok" : refusing ? "refusing" : "degraded";
        String body = "{\"status\":\"" + status + "\",\"store\":\"" + (healthy ? "ok" : "unavailable")
                + "\",\"durability\":\"" + Json.wire(sink.durability()) + "\"}";
        res.status(refusing ? 503 : 200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
