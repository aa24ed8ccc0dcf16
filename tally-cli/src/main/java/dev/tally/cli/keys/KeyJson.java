package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.gateway.keys.KeySettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One key as {@code tally keys list --json} prints it (snake_case, absent values left out, as
 * every JSON the project writes). Has no field for the secret or its hash.
 */
record KeyJson(
        String id,
        String name,
        String prefix,
        String status,
        List<String> allowedModels,
        Long requestsPerMinute,
        Long tokensPerMinute,
        Long budgetMicros,
        BudgetPeriod budgetPeriod,
        Instant expiresAt,
        boolean enabled,
        String payloadPolicy,
        Boolean returnCost,
        Map<String, String> tags,
        Instant createdAt,
        Instant revokedAt) {

    static KeyJson of(VirtualKey k, Instant now) {
        return new KeyJson(k.id(), k.name(), k.prefix(), KeyValues.status(k, now), k.allowedModels(),
                k.requestsPerMinute(), k.tokensPerMinute(), k.budgetMicros(), k.budgetPeriod(), k.expiresAt(),
                k.enabled(), k.payloadPolicy(), KeySettings.returnsCost(k), KeySettings.visibleTags(k), k.createdAt(),
                k.revokedAt());
    }
}
