package dev.tally.gateway.admin;

import dev.tally.audit.id.IdSource;
import dev.tally.audit.store.AuditStore;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.auth.Authenticator;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.Sleeper;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Secret;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.limits.KeyLimiter;
import java.time.Clock;
import java.util.Objects;

/**
 * What the admin API and the self-service usage route work with, wired once at start.
 * Thread-safe (every member is).
 *
 * @param audit the audit settings (client IP logging switch)
 * @param store where entries, usage and keys are read
 * @param sink where admin auth failures and self-service auth failures are recorded
 * @param keys key changes, each committed with its admin event
 * @param keyAuthenticator the proxy's virtual key authentication (for {@code GET /v1/usage})
 * @param limiter the proxy's limiter, for a key's budget standing
 * @param adminToken the admin token, or null when none is set (then every admin request is refused)
 * @param bruteForce how repeated admin auth failures from one IP are slowed down
 * @param sleeper waits out those slowdowns
 * @param ids event ids
 * @param clock event times and default ranges
 * @param budgetWarnings what a key's budget cannot count (unpriced models), for key changes' answers
 * @param models the configured models and their prices, for {@code GET /v1/admin/prices}
 */
public record AdminServices(
        GatewayConfig.Audit audit,
        AuditStore store,
        AuditSink sink,
        KeyService keys,
        Authenticator keyAuthenticator,
        KeyLimiter limiter,
        Secret adminToken,
        BruteForcePolicy bruteForce,
        Sleeper sleeper,
        IdSource ids,
        Clock clock,
        dev.tally.gateway.keys.BudgetWarnings budgetWarnings,
        java.util.Map<String, GatewayConfig.Model> models) {

    public AdminServices {
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(keyAuthenticator, "key_authenticator");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(bruteForce, "brute_force");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(budgetWarnings, "budget_warnings");
        models = java.util.Map.copyOf(models);
    }
}
