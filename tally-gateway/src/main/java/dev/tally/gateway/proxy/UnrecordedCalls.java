package dev.tally.gateway.proxy;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Logs calls whose record could not be made durable (sync mode, nowhere to write) at most once
 * per interval: the first at once with its id and cause, the rest counted into the next line.
 * Under a full disk with callers that do not back off every call fails the same way, and one
 * line per call was a flood (issue 15: a repeated failure logs once per interval, with a count).
 * The calls themselves are counted in {@code tally_audit_lost_total}. Thread-safe.
 */
final class UnrecordedCalls {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final LongSupplier nanoTime;
    private long lastLoggedNanos; // guarded by this
    private boolean logged; // guarded by this
    private long suppressed; // guarded by this

    UnrecordedCalls(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /** Logs (or counts) that call {@code id}'s record could not be made durable because of {@code cause}. */
    void failed(String id, String cause) {
        long more;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (logged && now - lastLoggedNanos < INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            more = suppressed;
            suppressed = 0;
            logged = true;
            lastLoggedNanos = now;
        }
        log.log(Level.WARNING, "call " + id + ": its record could not be made durable: " + cause
                + (more == 0 ? "" : " (and " + more + " more calls since the last such line)"));
    }
}
