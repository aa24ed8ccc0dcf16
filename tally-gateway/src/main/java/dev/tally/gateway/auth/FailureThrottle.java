package dev.tally.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts authentication failures per client IP and says how long to hold back the answer to
 * each one, following a {@link BruteForcePolicy}.
 *
 * <p>Memory is bounded: at most {@code maxTrackedIps} addresses are tracked (plus, briefly, one
 * per concurrent caller). When the table is full, windows that have ended are swept out (at
 * most once a second, so a flood of new addresses does not cost a full scan each); if it is
 * still full, failures from addresses not in it all count in one shared overflow window. So
 * spraying from many addresses neither grows memory nor escapes the slowdown: the spray is
 * slowed down as one client. Successes do not reset a count; a window simply ends.
 *
 * <p>Thread-safe: each window is an immutable value replaced atomically.
 */
public final class FailureThrottle {

    /** Key under which failures without a known client address are counted. */
    static final String UNKNOWN_IP = "unknown";

    private record Window(long startMillis, int failures) {
    }

    private final BruteForcePolicy policy;
    private final Clock clock;
    private final long windowMillis;
    private final ConcurrentHashMap<String, Window> byIp = new ConcurrentHashMap<>();
    private final AtomicReference<Window> overflow = new AtomicReference<>();
    private final AtomicLong lastSweepMillis = new AtomicLong(Long.MIN_VALUE / 2);

    public FailureThrottle(BruteForcePolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.windowMillis = policy.window().toMillis();
    }

    /**
     * Counts one failure from {@code clientIp} and returns how long to wait before answering it
     * (zero while the address is within its free failures). Never blocks.
     */
    public Duration recordFailure(String clientIp) {
        long now = clock.millis();
        String ip = clientIp == null || clientIp.isBlank() ? UNKNOWN_IP : clientIp;
        Window counted;
        if (byIp.containsKey(ip) || hasRoom(now)) {
            counted = byIp.compute(ip, (k, old) -> next(old, now));
        } else {
            counted = overflow.updateAndGet(old -> next(old, now));
        }
        return policy.delayFor(counted.failures());
    }

    /** Addresses tracked now. */
    public int trackedIps() {
        return byIp.size();
    }

    private Window next(Window old, long now) {
        if (old == null || now - old.startMillis() >= windowMillis) {
            return new Window(now, 1);
        }
        return new Window(old.startMillis(), old.failures() == Integer.MAX_VALUE ? old.failures() : old.failures() + 1);
    }

    private boolean hasRoom(long now) {
        if (byIp.size() < policy.maxTrackedIps()) {
            return true;
        }
        long last = lastSweepMillis.get();
        if (now - last >= 1000 && lastSweepMillis.compareAndSet(last, now)) {
            byIp.values().removeIf(w -> now - w.startMillis() >= windowMillis);
        }
        return byIp.size() < policy.maxTrackedIps();
    }
}
