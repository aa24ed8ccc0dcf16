package dev.tally.gateway.limits;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A limit shared by the fleet: units are spent from a slice this instance leased from the
 * store's bucket, and the next slice is leased on a virtual thread when the slice runs low
 * ({@link SharedRates} has the policy and the overshoot bound). While leases fail, the
 * instance's own bucket decides; it is charged with every unit this instance spends, so it
 * knows the instance's recent traffic when it has to take over.
 *
 * <p>Not thread-safe on its own: every method runs under the key's {@code lock}, which the
 * lease thread also takes to hand its grant over, signalling {@code changed}.
 */
final class LeasedAllowance implements Allowance {

    private final String keyId;
    private final String limitName;
    private final SharedRates shared;
    private final Lock lock;
    private final Condition changed;
    private final RateBucket local = new RateBucket(); // guarded by lock
    private long slice; // guarded by lock; leased units not spent yet, negative: tokens owed
    private boolean leasing; // guarded by lock
    private boolean unreachable; // guarded by lock; the last lease failed
    private long nextLeaseAt; // guarded by lock; no lease before this (after a short grant or a failure)

    LeasedAllowance(String keyId, String limitName, SharedRates shared, Lock lock) {
        this.keyId = keyId;
        this.limitName = limitName;
        this.shared = shared;
        this.lock = lock;
        this.changed = lock.newCondition();
    }

    @Override
    public Duration shortfall(long nowMillis, long limit, long need) {
        maybeLease(nowMillis, limit, need);
        long deadline = System.nanoTime() + SharedRates.LEASE_WAIT.toNanos();
        while (slice < need && leasing && !unreachable) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return locally(nowMillis, limit, need); // the store is too slow to wait for
            }
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return locally(nowMillis, limit, need);
            }
        }
        if (unreachable) {
            return locally(nowMillis, limit, need);
        }
        if (slice >= need) {
            return null;
        }
        // The fleet's bucket is short: the missing units refill at the limit per minute.
        long missingMillis = ((need - Math.max(0, slice)) * 60_000L + limit - 1) / limit;
        return Duration.ofMillis(Math.max(missingMillis, nextLeaseAt - nowMillis));
    }

    @Override
    public void take(long nowMillis, long limit, long units) {
        local.refill(nowMillis, limit);
        local.take(units);
        if (!unreachable) {
            slice -= units;
            maybeLease(nowMillis, limit, 0);
        }
    }

    private Duration locally(long nowMillis, long limit, long need) {
        shared.decidedLocally();
        local.refill(nowMillis, limit);
        return local.has(need) ? null : local.waitFor(need, limit);
    }

    /** Starts a lease when none is in flight or due later and the slice is short of {@code need} or of half a slice. */
    private void maybeLease(long nowMillis, long limit, long need) {
        long size = SharedRates.sliceOf(limit);
        if (leasing || nowMillis < nextLeaseAt || (slice >= need && slice - need >= size / 2 && !unreachable)) {
            return;
        }
        // While unreachable, a lease is also the probe that brings sharing back.
        long want = Math.max(unreachable ? 1 : 0, Math.max(size, need) - slice);
        if (want <= 0) {
            return;
        }
        leasing = true;
        Thread.ofVirtual().name("tally-rate-lease").start(() -> lease(limit, want));
    }

    /** On the lease thread: one statement, then the grant is handed over under the lock. */
    private void lease(long limit, long want) {
        long granted = 0;
        boolean failed = false;
        try {
            granted = shared.lease(keyId, limitName, limit, want);
        } catch (RuntimeException e) {
            failed = true; // counted and logged by SharedRates
        }
        long now = shared.millis();
        lock.lock();
        try {
            leasing = false;
            if (failed) {
                unreachable = true;
                nextLeaseAt = now + SharedRates.RETRY.toMillis();
            } else {
                unreachable = false;
                slice += granted;
                // Short: do not ask again before the missing units could have refilled.
                nextLeaseAt = granted >= want ? 0 : now + Math.max(1, (want - granted) * 60_000L / limit);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Leased units not spent yet (negative: tokens owed); for tests. */
    long slice() {
        lock.lock();
        try {
            return slice;
        } finally {
            lock.unlock();
        }
    }
}
