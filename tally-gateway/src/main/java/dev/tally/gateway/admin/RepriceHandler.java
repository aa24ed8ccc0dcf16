package dev.tally.gateway.admin;

import dev.tally.audit.adjust.RepriceRequest;
import dev.tally.audit.adjust.RepriceSummary;
import dev.tally.audit.adjust.Repricer;
import dev.tally.gateway.reprice.RepriceJson;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.Set;

/**
 * {@code POST /v1/admin/reprice?model=M&since=T&until=T[&dry_run=true][&reason=TEXT]}: re-prices
 * the calls of requested model {@code model} that started in [{@code since}, {@code until}) at
 * the gateway's current prices ({@link Repricer}): each call whose effective cost differs gets a
 * chained {@code cost_adjustment} event with its {@code cost_adjustments} row; no call record is
 * edited. Parameters are in the query, as for every admin route (times ISO-8601 or epoch ms). Returns
 * once every adjustment is committed, with the summary ({@link RepriceJson}); a store failure is a
 * 503 and the adjustments committed before it stay (a second run completes the rest). Thread-safe
 * (runs are serialised).
 */
final class RepriceHandler implements AdminEndpoint.Action {

    private static final Set<String> PARAMS = Set.of("model", "since", "until", "dry_run", "reason");

    private final Repricer repricer;

    RepriceHandler(Repricer repricer) {
        this.repricer = repricer;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        Params params = new Params(req.query(), PARAMS);
        String model = params.text("model");
        if (model == null) {
            throw ApiException.badParam("model", "model: missing (expected: the requested model whose calls to re-price)");
        }
        Instant since = required(params, "since");
        Instant until = required(params, "until");
        boolean dryRun = flag(params.text("dry_run"));
        RepriceRequest request;
        try {
            request = new RepriceRequest(model, since, until, dryRun, params.text("reason"), KeysHandler.ACTOR);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw ApiException.badParam(message.substring(0, Math.max(0, message.indexOf(':'))), message);
        }
        RepriceSummary summary = repricer.run(request);
        JsonReply.send(res, 200, RepriceJson.summary(summary));
    }

    private static Instant required(Params params, String name) {
        Instant value = params.instant(name);
        if (value == null) {
            throw ApiException.badParam(name, name + ": missing (expected: an ISO-8601 time or epoch ms)");
        }
        return value;
    }

    private static boolean flag(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.badParam("dry_run", "dry_run: '" + Params.clip(value) + "' (expected: true or false)");
    }
}
