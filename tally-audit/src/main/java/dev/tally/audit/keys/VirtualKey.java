package dev.tally.audit.keys;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A virtual key as stored: only the SHA-256 hash of its secret is kept, plus its public
 * prefix (the first characters of the secret, safe to show and log).
 *
 * @param id stable key id (UUIDv7)
 * @param name unique, human-chosen name
 * @param secretHash hex SHA-256 of the full secret {@code tk-...}
 * @param prefix public prefix of the secret, e.g. {@code tk-3f9a1c}
 * @param allowedModels public model names the key may call; empty means all
 * @param requestsPerMinute limit, or null for none
 * @param tokensPerMinute limit, or null for none
 * @param budgetMicros spend budget in micro-USD per {@code budgetPeriod}, or null for none
 * @param budgetPeriod day or month, when a budget is set
 * @param expiresAt when the key stops working, or null
 * @param enabled false to switch the key off without revoking it
 * @param payloadPolicy per-key override of the payload policy (off, hash, redacted, full), or null
 * @param tags free-form metadata
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or null; a revoked key never works again
 */
public record VirtualKey(
        String id,
        String name,
        String secretHash,
        String prefix,
        List<String> allowedModels,
        Long requestsPerMinute,
        Long tokensPerMinute,
        Long budgetMicros,
        BudgetPeriod budgetPeriod,
        Instant expiresAt,
        boolean enabled,
        String payloadPolicy,
        Map<String, String> tags,
        Instant createdAt,
        Instant revokedAt) {

    /** The period a spend budget applies to, in UTC. */
    public enum BudgetPeriod {
        DAY, MONTH
    }

    public VirtualKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretHash, "secret_hash");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(createdAt, "created_at");
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
        if (budgetMicros != null && budgetPeriod == null) {
            throw new IllegalArgumentException("budget_period: null (expected: day or month when a budget is set)");
        }
    }

    /** Whether the key may be used at {@code now}. */
    public boolean usableAt(Instant now) {
        return enabled && revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** Whether the key may call {@code model}. */
    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
