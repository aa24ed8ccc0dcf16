package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageStats;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.limits.BudgetStatus;
import dev.tally.gateway.proxy.Envelope;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/usage}: a key holder's own usage, authenticated with their virtual key exactly
 * as a proxied call is ({@code Authorization: Bearer tk-…} or {@code x-api-key}; the same
 * authenticator, so the same brute-force slowdown and the same security events on failure).
 * Answers that key's calls, tokens and cost over {@code since}/{@code until} (default: all time),
 * its limits, and where it stands against its budget in the current period:
 * <pre>
 * {"key":{"id","name","prefix"},"since":…,"until":…,
 *  "usage":{calls, success, errors, …, cost_micros, unpriced_calls, latency_ms:{…}, ttft_ms:{…}},
 *  "limits":{"allowed_models":[…],"requests_per_minute","tokens_per_minute","budget_micros",
 *            "budget_period","expires_at"},
 *  "budget":{"budget_micros","period","spent_micros","remaining_micros","period_start","resets_at"}|null}
 * </pre>
 * The budget figure is the one the limiter decides with (same staleness bound, see
 * {@code limits.BudgetTracker}); {@code budget} is null when the key has none. Writes no call
 * record: it is not an LLM call. Runs on the request's virtual thread and returns once the answer
 * was written (after any slowdown of a failed authentication). Thread-safe.
 */
final class SelfUsageHandler implements Handler {

    private static final Set<String> PARAMS = Set.of("since", "until");

    private final AdminServices services;

    SelfUsageHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        AdminEndpoint.run(this::authenticated, req, res);
    }

    /** Authenticates the key (a store failure here is a 503 like any other), then answers. */
    private void authenticated(ServerRequest req, ServerResponse res) throws InterruptedException {
        String ip = AdminAuth.clientIp(req);
        AuthOutcome outcome = services.keyAuthenticator().authenticateCredentials(Envelope.credentials(req), ip);
        switch (outcome) {
            case AuthOutcome.Allowed allowed -> answer(req, res, allowed.key());
            case AuthOutcome.Denied denied -> {
                denied(req, ip, denied);
                JsonReply.error(res, denied.errorCode(), denied.message(), null);
            }
        }
    }

    private void denied(ServerRequest req, String ip, AuthOutcome.Denied denied) throws InterruptedException {
        boolean prefix = services.audit().logKeyPrefix();
        services.sink().record(new SecurityEvent(services.ids().next(), services.clock().instant(), denied.type(), null,
                denied.keyId(), prefix ? denied.keyPrefix() : null, services.audit().logClientIp() ? ip : null,
                req.headers().first(HeaderNames.USER_AGENT).map(Params::clip).orElse(null), null, 401,
                denied.message() + " (GET /v1/usage)"));
    }

    private void answer(ServerRequest req, ServerResponse res, VirtualKey key) {
        Params params = new Params(req.query(), PARAMS);
        Params.Range range = params.range();
        UsageQuery query = new UsageQuery(range.since(), range.until(), List.of(), key.id(), null, null, null, null,
                Map.of(), null, null);
        UsageStats stats = services.store().usage(query).summary();
        long adjustments = dev.tally.audit.adjust.UsageAdjustments.of(services.store(), query).totalMicros();
        ObjectNode root = JsonReply.object();
        root.putObject("key").put("id", key.id()).put("name", key.name()).put("prefix", key.prefix());
        root.put("since", KeyView.time(range.since()));
        root.put("until", KeyView.time(range.until()));
        UsageJson.stats(root.putObject("usage"), stats, adjustments);
        ObjectNode limits = root.putObject("limits");
        ArrayNode models = limits.putArray("allowed_models");
        key.allowedModels().forEach(models::add);
        limits.put("requests_per_minute", key.requestsPerMinute());
        limits.put("tokens_per_minute", key.tokensPerMinute());
        limits.put("budget_micros", key.budgetMicros());
        limits.put("budget_period", key.budgetPeriod() == null ? null : Json.wire(key.budgetPeriod()));
        limits.put("expires_at", KeyView.time(key.expiresAt()));
        Optional<BudgetStatus> budget = services.limiter().budget(key);
        if (budget.isPresent()) {
            BudgetStatus b = budget.get();
            root.putObject("budget")
                    .put("budget_micros", b.budgetMicros())
                    .put("period", Json.wire(b.period()))
                    .put("spent_micros", b.spentMicros())
                    .put("remaining_micros", b.remainingMicros())
                    .put("period_start", KeyView.time(b.periodStart()))
                    .put("resets_at", KeyView.time(b.resetsAt()));
        } else {
            root.putNull("budget");
        }
        JsonReply.send(res, 200, root);
    }
}
