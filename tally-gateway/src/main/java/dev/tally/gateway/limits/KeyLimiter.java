package dev.tally.gateway.limits;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.RateLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The limits of a virtual key, checked in this order before any upstream call:
 *
 * <ol>
 *   <li>model scope: a model outside the key's {@code allowed_models} → 403
 *       {@code scope_violation} / {@code model_not_allowed};
 *   <li>requests per minute: a {@link RateBucket} per key (bursts up to the limit, refilled at
 *       the limit per minute) → 429 {@code rate_limited} / {@code rate_limit_exceeded};
 *   <li>tokens per minute: a bucket that the tokens reported by {@link #settle} are taken from;
 *       a call passes when the bucket holds at least its estimated input tokens (at least 1) →
 *       429 {@code rate_limited}. Tokens are charged after the call, so a key may overshoot by
 *       the calls it has in flight at once; the debt is paid back before its next call passes;
 *   <li>spend budget per UTC day or month: see {@link BudgetTracker} → 429
 *       {@code budget_exceeded}, retry after the next period starts.
 * </ol>
 *
 * <p>A refused call consumes nothing. Messages name the limit and its value, e.g.
 * {@code requests_per_minute: limit 60 reached (retry after 12s)}. Without sharing, buckets live
 * in memory, per instance, one per key that has limits (so memory grows with the number of
 * keys, not calls); a restart starts them full. With {@link SharedRates} (a PostgreSQL store),
 * requests and tokens per minute hold for the whole fleet: each key's budget is a bucket in the
 * store, and this instance spends slices it leased from it ({@link LeasedAllowance}). Budgets
 * are shared as before: every instance reads the key's spend from the store's rollups.
 * Thread-safe: each key's state has its own lock; {@link #admit} blocks only when it reads a
 * key's spend from the store (once per spend ttl per key) or, with sharing, waits for a key's
 * first lease on this instance (or a lease in flight when its slice cannot cover the call).
 */
public final class KeyLimiter implements Limiter {

    private static final class KeyState {
        final ReentrantLock lock = new ReentrantLock();
        final Allowance requests; // guarded by lock
        final Allowance tokens; // guarded by lock
        final BudgetTracker budget; // guarded by lock

        KeyState(String keyId, BudgetTracker budget, Optional<SharedRates> shared) {
            this.budget = budget;
            this.requests = shared.<Allowance>map(s -> new LeasedAllowance(keyId, RateLeases.REQUESTS, s, lock))
                    .orElseGet(LocalAllowance::new);
            this.tokens = shared.<Allowance>map(s -> new LeasedAllowance(keyId, RateLeases.TOKENS, s, lock))
                    .orElseGet(LocalAllowance::new);
        }
    }

    /** Default time a spend figure read from the store is used. */
    public static final Duration DEFAULT_SPEND_TTL = Duration.ofSeconds(5);

    private final SpendReader spend;
    private final Clock clock;
    private final Duration spendTtl;
    private final Optional<SharedRates> shared;
    private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();

    /**
     * @param spend reads a key's recorded spend (the store's usage rollups)
     * @param clock time for the buckets and the budget period
     * @param spendTtl how long a spend figure read from the store is used (see {@link BudgetTracker})
     */
    public KeyLimiter(SpendReader spend, Clock clock, Duration spendTtl) {
        this(spend, clock, spendTtl, Optional.empty());
    }

    /**
     * A limiter whose requests and tokens per minute are shared by every instance of the store
     * behind {@code shared} (empty: enforced per instance, as by the other constructor).
     *
     * @param shared the fleet's shared buckets, see {@link SharedRates}
     */
    public KeyLimiter(SpendReader spend, Clock clock, Duration spendTtl, Optional<SharedRates> shared) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.spend = Objects.requireNonNull(spend, "spend");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (spendTtl.isNegative() || spendTtl.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("spend_cache_ttl: " + spendTtl.toMillis()
                    + "ms (expected: 0..300000 ms)");
        }
        this.spendTtl = spendTtl;
    }

    @Override
    public Admission admit(VirtualKey key, String model, long estimatedInputTokens) {
        if (!key.allows(model)) {
            return new Admission.Refused(SecurityEventType.SCOPE_VIOLATION, ErrorCode.MODEL_NOT_ALLOWED,
                    "model '" + model + "' is not allowed for key '" + key.name() + "' (allowed_models: "
                            + String.join(", ", key.allowedModels()) + ")", null);
        }
        if (key.requestsPerMinute() == null && key.tokensPerMinute() == null && key.budgetMicros() == null) {
            return new Admission.Admitted();
        }
        KeyState state = state(key);
        state.lock.lock();
        try {
            long now = clock.millis();
            Long rpm = key.requestsPerMinute();
            if (rpm != null) {
                Duration wait = state.requests.shortfall(now, rpm, 1);
                if (wait != null) {
                    return rateLimited("requests_per_minute", rpm, wait);
                }
            }
            Long tpm = key.tokensPerMinute();
            if (tpm != null) {
                long need = Math.max(1, estimatedInputTokens);
                if (need > tpm) {
                    return new Admission.Refused(SecurityEventType.RATE_LIMITED, ErrorCode.RATE_LIMIT_EXCEEDED,
                            "tokens_per_minute: limit " + tpm + " is below the about " + need
                                    + " input tokens of this request", null);
                }
                Duration wait = state.tokens.shortfall(now, tpm, need);
                if (wait != null) {
                    return rateLimited("tokens_per_minute", tpm, wait);
                }
            }
            if (key.budgetMicros() != null) {
                Admission.Refused overBudget = state.budget.check(key, Instant.ofEpochMilli(now));
                if (overBudget != null) {
                    return overBudget;
                }
            }
            if (rpm != null) {
                state.requests.take(now, rpm, 1);
            }
            return new Admission.Admitted();
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public void settle(VirtualKey key, long totalTokens, Long costMicros) {
        if (key.tokensPerMinute() == null && key.budgetMicros() == null) {
            return;
        }
        KeyState state = state(key);
        state.lock.lock();
        try {
            if (key.tokensPerMinute() != null && totalTokens > 0) {
                state.tokens.take(clock.millis(), key.tokensPerMinute(), totalTokens);
            }
            if (key.budgetMicros() != null && costMicros != null && costMicros > 0) {
                state.budget.settled(key, costMicros, clock.instant());
            }
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * The key's spend against its budget now, or empty when it has none. Blocking: may read
     * the store, like {@link #admit}.
     */
    public Optional<BudgetStatus> budget(VirtualKey key) {
        if (key.budgetMicros() == null) {
            return Optional.empty();
        }
        KeyState state = state(key);
        state.lock.lock();
        try {
            return Optional.of(state.budget.status(key, clock.instant()));
        } finally {
            state.lock.unlock();
        }
    }

    /** How often reading a key's spend from the store failed (the last figure was used instead). */
    public long spendReadFailures() {
        return states.values().stream().mapToLong(s -> s.budget.readFailures()).sum();
    }

    private KeyState state(VirtualKey key) {
        return states.computeIfAbsent(key.id(), id -> new KeyState(id, new BudgetTracker(spend, spendTtl), shared));
    }

    private static Admission.Refused rateLimited(String limit, long value, Duration wait) {
        Duration retry = roundUpToSeconds(wait);
        return new Admission.Refused(SecurityEventType.RATE_LIMITED, ErrorCode.RATE_LIMIT_EXCEEDED,
                limit + ": limit " + value + " reached (retry after " + retry.toSeconds() + "s)", retry);
    }

    /** HTTP Retry-After is whole seconds; round up so a client that obeys it is not refused again. */
    static Duration roundUpToSeconds(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return Duration.ofSeconds(seconds);
    }
}
