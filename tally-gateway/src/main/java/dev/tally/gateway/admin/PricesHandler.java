package dev.tally.gateway.admin;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;

/**
 * {@code GET /v1/admin/prices}: every configured model's price versions, tiers, service-tier
 * multipliers and price ids, and the models without a price ({@link PricesJson}); {@code in_force}
 * is judged at the gateway clock's now. Takes no parameters. Reads the configuration only (no
 * store access); returns once written. Thread-safe.
 */
final class PricesHandler implements AdminEndpoint.Action {

    private final AdminServices services;

    PricesHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        new Params(req.query(), Set.of());
        JsonReply.send(res, 200, PricesJson.of(services.models(), services.clock().instant()));
    }
}
