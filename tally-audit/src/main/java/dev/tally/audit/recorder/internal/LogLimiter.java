package dev.tally.audit.recorder.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps a repeated failure from flooding the log: each kind of event (a key) is logged at most
 * once per interval. The first occurrence is logged at once with its message (which may carry the
 * cause's message, never a stack trace); later ones within the interval are counted, and the next
 * line after the interval says how many there were and how many writes they concerned. Under a
 * full disk, 10,000 failing writes a second become one line every 10 seconds.
 *
 * <p>Thread-safe.
 */
final class LogLimiter {

    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final System.Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    private static final class State {
        long lastLoggedNanos; // guarded by this
        boolean logged; // guarded by this
        long suppressedEvents; // guarded by this
        long suppressedItems; // guarded by this
    }

    LogLimiter(System.Logger log, long intervalNanos, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    LogLimiter(System.Logger log) {
        this(log, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    /**
     * Logs {@code message} now if {@code key} was not logged within the interval, else counts it.
     *
     * @param items how many writes this occurrence concerns (summed into the next line)
     * @return whether a line was written
     */
    boolean log(String key, Level level, long items, String message) {
        State state = states.computeIfAbsent(key, k -> new State());
        long events;
        long itemCount;
        synchronized (state) {
            long now = nanoTime.getAsLong();
            if (state.logged && now - state.lastLoggedNanos < intervalNanos) {
                state.suppressedEvents++;
                state.suppressedItems += items;
                return false;
            }
            events = state.suppressedEvents;
            itemCount = state.suppressedItems;
            state.logged = true;
            state.lastLoggedNanos = now;
            state.suppressedEvents = 0;
            state.suppressedItems = 0;
        }
        if (events > 0) {
            log.log(level, message + " [" + events + " more like this (" + itemCount + " writes) since the last report, "
                    + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s at most ago]");
        } else {
            log.log(level, message);
        }
        return true;
    }

    /**
     * Ends a run of failures of {@code key}: the next occurrence is logged at once. Returns how
     * many occurrences were counted but not logged since the last line.
     */
    long reset(String key) {
        State state = states.remove(key);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            return state.suppressedEvents;
        }
    }

    /** The message of {@code e} and of its causes, for a log line without a stack trace. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        Throwable at = e;
        int depth = 0;
        while (at != null && depth++ < 4) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            String message = at.getMessage();
            String kind = at.getClass().getSimpleName();
            if (message == null || text.indexOf(message) >= 0) {
                text.append(kind);
            } else {
                text.append(kind).append(' ').append(message);
            }
            at = at.getCause() == at ? null : at.getCause();
        }
        return text.toString();
    }
}
