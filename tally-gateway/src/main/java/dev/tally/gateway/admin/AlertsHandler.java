package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.alert.AlertOutbox;
import dev.tally.audit.alert.AlertState;
import dev.tally.audit.alert.BudgetAlert;
import dev.tally.audit.json.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /v1/admin/alerts}: the budget alerts of the outbox, newest crossing first, as
 * {@code {"data":[…]}}; {@code state} ({@code pending}, {@code delivered}, {@code failed})
 * filters, {@code limit} (1..1000, default 100) caps. Money in integer micro-USD. Reads one page
 * of the outbox; returns once written. Thread-safe.
 */
final class AlertsHandler implements AdminEndpoint.Action {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1_000;

    private final AdminServices services;

    AlertsHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), Set.of("state", "limit"));
        String stateText = params.text("state");
        AlertState state = null;
        if (stateText != null) {
            try {
                state = Json.parseEnum(AlertState.class, "state", stateText);
            } catch (IllegalArgumentException e) {
                throw ApiException.badParam("state", "state: '" + Params.clip(stateText)
                        + "' (expected one of: pending, delivered, failed)");
            }
        }
        int limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT);
        // Both stores keep an outbox; a store without one has no alerts to list.
        List<BudgetAlert> alerts = services.store() instanceof AlertOutbox outbox ? outbox.alerts(state, limit) : List.of();
        ObjectNode root = JsonReply.object();
        ArrayNode list = root.putArray("data");
        alerts.forEach(a -> list.add(dev.tally.gateway.alerts.AlertJson.node(a)));
        JsonReply.send(res, 200, root);
    }
}
