package dev.tally.gateway.alerts;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher's counters since start: alerts delivered, attempts that failed and will be
 * retried, alerts given up, and outbox reads or writes that failed (logged, retried at the next
 * poll). Thread-safe.
 */
public final class AlertStats {

    final AtomicLong delivered = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong storeErrors = new AtomicLong();

    public long delivered() {
        return delivered.get();
    }

    public long retried() {
        return retried.get();
    }

    public long failed() {
        return failed.get();
    }

    public long storeErrors() {
        return storeErrors.get();
    }
}
