package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.KeySettings;
import java.time.Instant;

/**
 * A virtual key as the admin API shows it: {@code id, name, prefix, status, allowed_models,
 * requests_per_minute, tokens_per_minute, budget_micros, budget_period, expires_at, enabled,
 * payload_policy, return_cost, tags, created_at, revoked_at}, every member always present ({@code null} or
 * empty when unset). {@code status} is {@code revoked}, {@code disabled}, {@code expired} or
 * {@code active}, in that order of precedence. There is no member for the secret or its hash.
 * Stateless.
 */
final class KeyView {

    private KeyView() {
    }

    static ObjectNode of(VirtualKey k, Instant now) {
        ObjectNode node = JsonReply.object();
        node.put("id", k.id());
        node.put("name", k.name());
        node.put("prefix", k.prefix());
        node.put("status", status(k, now));
        ArrayNode models = node.putArray("allowed_models");
        k.allowedModels().forEach(models::add);
        node.put("requests_per_minute", k.requestsPerMinute());
        node.put("tokens_per_minute", k.tokensPerMinute());
        node.put("budget_micros", k.budgetMicros());
        node.put("budget_period", k.budgetPeriod() == null ? null : Json.wire(k.budgetPeriod()));
        node.put("expires_at", time(k.expiresAt()));
        node.put("enabled", k.enabled());
        node.put("payload_policy", k.payloadPolicy());
        node.put("return_cost", KeySettings.returnsCost(k));
        ObjectNode tags = node.putObject("tags");
        KeySettings.visibleTags(k).forEach(tags::put);
        node.put("created_at", time(k.createdAt()));
        node.put("revoked_at", time(k.revokedAt()));
        return node;
    }

    static String status(VirtualKey key, Instant now) {
        if (key.revokedAt() != null) {
            return "revoked";
        }
        if (!key.enabled()) {
            return "disabled";
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return "expired";
        }
        return "active";
    }

    static String time(Instant value) {
        return value == null ? null : Json.INSTANT_FORMAT.format(value);
    }
}
