package dev.tally.gateway.limits;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.RateLeases;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fleet-wide {@code requests_per_minute} and {@code tokens_per_minute}: the budgets live in the
 * store's shared buckets ({@link RateLeases}), and each instance's {@link KeyLimiter} spends
 * slices it leased from them in memory, so no call waits on the database (docs/deployment.md,
 * "Rate limits").
 *
 * <h2>Policy</h2>
 * <ul>
 *   <li>A slice is {@link #sliceOf 5% of the limit} (at least 2 units, at most the limit). An
 *       instance leases in the background when a call leaves its slice under half a slice, so
 *       in steady traffic the next slice is there before it is needed. Only the first call of a
 *       key on an instance, or a call bigger than what is left, waits for a lease (at most
 *       {@link #LEASE_WAIT}).
 *   <li>Overshoot: every unit admitted was granted by the shared bucket, except the unspent
 *       slices instances held when a period began; so the fleet admits at most what one bucket
 *       alone would, plus one slice per instance (tokens also overshoot by the calls in flight,
 *       charged after they end, as on one instance).
 *   <li>A lease that found the shared bucket short is not retried before the missing units
 *       could have refilled, so a key at its limit costs a few statements per minute, not one
 *       per refused call.
 *   <li>Store unreachable (a lease fails, or takes longer than {@link #LEASE_WAIT} while a call
 *       waits for it): calls are decided by the instance's own bucket of the key's full limit
 *       (charged all along with the instance's own traffic), exactly as without sharing: the
 *       fleet may admit up to N times the limit until a lease succeeds again. Retried every
 *       {@link #RETRY}; logged once per outage and counted ({@link #leaseFailures()},
 *       {@link #localDecisions()}). Failing open this way keeps a database outage from turning
 *       into refused traffic; the calls are still recorded (or spilled) by the recorder.
 * </ul>
 *
 * <p>Thread-safe. Leases run on virtual threads of their own.
 */
public final class SharedRates {

    /** How long a call waits at most for a lease in flight before the local bucket decides. */
    public static final Duration LEASE_WAIT = Duration.ofSeconds(1);
    /** How soon a failed lease is retried (by the next call that needs one). */
    public static final Duration RETRY = Duration.ofSeconds(1);
    /** A slice is this fraction of the limit: 1/20. */
    static final int SLICES_PER_LIMIT = 20;

    private static final System.Logger LOG = System.getLogger(SharedRates.class.getName());

    private final RateLeases leases;
    private final Clock clock;
    private final AtomicLong leaseCount = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong local = new AtomicLong();
    private final AtomicBoolean reachable = new AtomicBoolean(true);

    /**
     * @param leases the store's shared buckets
     * @param clock the time sent with each lease (the same clock as the limiter's)
     */
    public SharedRates(RateLeases leases, Clock clock) {
        this.leases = Objects.requireNonNull(leases, "leases");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Sharing through {@code store} when it keeps shared buckets (PostgreSQL), else empty (per instance). */
    public static Optional<SharedRates> of(AuditStore store, Clock clock) {
        return store instanceof RateLeases leases ? Optional.of(new SharedRates(leases, clock)) : Optional.empty();
    }

    /** The slice an instance leases of {@code limit}: 5% of it, at least 2 units and at most the limit. */
    public static long sliceOf(long limit) {
        return Math.min(limit, Math.max(2, (limit + SLICES_PER_LIMIT - 1) / SLICES_PER_LIMIT));
    }

    /** Leases that reached the store. */
    public long leases() {
        return leaseCount.get();
    }

    /** Leases that failed (store unreachable); each switched its key to the local bucket for a while. */
    public long leaseFailures() {
        return failures.get();
    }

    /** Calls decided by the local bucket because no lease could be had. */
    public long localDecisions() {
        return local.get();
    }

    /** Whether the last lease reached the store (false while calls are decided by local buckets). */
    public boolean reachable() {
        return reachable.get();
    }

    /** Blocking: one statement against the store. */
    long lease(String keyId, String limitName, long limit, long units) {
        try {
            long granted = leases.lease(keyId, limitName, limit, units, clock.millis());
            leaseCount.incrementAndGet();
            if (reachable.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.INFO, "rate limits: the store answers leases again; limits are shared "
                        + "by the fleet again");
            }
            return granted;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            if (reachable.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.WARNING, "rate limits: leasing from the store failed (" + e.getMessage()
                        + "); each instance enforces the full limits on its own until the store answers again");
            }
            throw e;
        }
    }

    long millis() {
        return clock.millis();
    }

    void decidedLocally() {
        local.incrementAndGet();
    }
}
