package dev.tally.gateway.admin;

import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.webserver.http.HttpRouting;

/**
 * Registers the admin API ({@code /v1/admin/...}, admin token) and the key holders'
 * self-service {@code GET /v1/usage} (their own virtual key). Routes and shapes: DESIGN.md
 * section 4 and {@code docs/admin-api.md}. Stateless.
 */
public final class AdminRoutes {

    private AdminRoutes() {
    }

    /** Adds every admin route to {@code routing}, without the signing key rotation; returns the admin token check they share. */
    public static AdminGuard register(HttpRouting.Builder routing, AdminServices services) {
        return register(routing, services, null);
    }

    /**
     * Adds every admin route to {@code routing}; with {@code recorder} (the gateway's own chain)
     * also {@code POST /v1/admin/signing-key/rotate}. Returns the admin token check they share,
     * for admin-guarded routes registered elsewhere.
     */
    public static AdminGuard register(HttpRouting.Builder routing, AdminServices services,
            dev.tally.audit.recorder.Recorder recorder) {
        return register(routing, services, recorder, null);
    }

    /**
     * As {@link #register(HttpRouting.Builder, AdminServices, dev.tally.audit.recorder.Recorder)};
     * with {@code repricer} (on the gateway's own chain and current prices) also
     * {@code POST /v1/admin/reprice}.
     */
    public static AdminGuard register(HttpRouting.Builder routing, AdminServices services,
            dev.tally.audit.recorder.Recorder recorder, dev.tally.audit.adjust.Repricer repricer) {
        AdminAuth auth = new AdminAuth(services);
        if (recorder != null) {
            routing.post("/v1/admin/signing-key/rotate", new AdminEndpoint(auth, new SigningKeyHandler(recorder)));
        }
        if (repricer != null) {
            routing.post("/v1/admin/reprice", new AdminEndpoint(auth, new RepriceHandler(repricer)));
        }
        routing.get("/v1/admin/logs", new AdminEndpoint(auth, new LogsHandler(services)));
        routing.get("/v1/admin/tail", new AdminEndpoint(auth, new TailHandler(services)));
        routing.get("/v1/admin/logs/{id}", new AdminEndpoint(auth, new LogHandler(services)));
        routing.get("/v1/admin/usage", new AdminEndpoint(auth, new UsageHandler(services)));
        routing.get("/v1/admin/events", new AdminEndpoint(auth, new EventsHandler(services)));
        routing.get("/v1/admin/verify", new AdminEndpoint(auth, new VerifyHandler(services)));
        routing.get("/v1/admin/proof/{id}", new AdminEndpoint(auth, new ProofHandler(services)));
        routing.get("/v1/admin/heads", new AdminEndpoint(auth, new HeadsHandler(services)));
        routing.get("/v1/admin/consistency", new AdminEndpoint(auth, new ConsistencyHandler(services)));
        routing.get("/v1/admin/witness", new AdminEndpoint(auth, new WitnessHandler(services)));
        routing.get("/v1/admin/export", new AdminEndpoint(auth, new ExportHandler(services)));
        routing.get("/v1/admin/alerts", new AdminEndpoint(auth, new AlertsHandler(services)));
        routing.get("/v1/admin/prices", new AdminEndpoint(auth, new PricesHandler(services)));
        KeysHandler keys = new KeysHandler(services);
        routing.post("/v1/admin/keys", new AdminEndpoint(auth, keys.create()));
        routing.get("/v1/admin/keys", new AdminEndpoint(auth, keys.list()));
        routing.get("/v1/admin/keys/{id}", new AdminEndpoint(auth, keys.show()));
        routing.patch("/v1/admin/keys/{id}", new AdminEndpoint(auth, keys.update()));
        routing.delete("/v1/admin/keys/{id}", new AdminEndpoint(auth, keys.revoke()));
        routing.get("/v1/usage", new SelfUsageHandler(services));
        // Last: any other method or path under /v1/admin is a JSON 404 (after the token check, so
        // the API's shape is not revealed to callers without it).
        routing.any("/v1/admin/*", new AdminEndpoint(auth, (req, res) -> {
            throw new ApiException(ErrorCode.UNKNOWN_ROUTE, null, "route: " + req.prologue().method().text() + " "
                    + Params.clip(req.path().path()) + " (expected: a route listed in docs/admin-api.md)");
        }));
        return new AdminGuard(auth);
    }
}
