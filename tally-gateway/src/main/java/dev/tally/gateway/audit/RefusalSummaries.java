package dev.tally.gateway.audit;

import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.id.IdSource;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Counted summaries of the calls refused because the audit log could not be written: the one
 * exception to "one record per call" (docs/architecture.md, "Nowhere durable to write").
 *
 * <p>Why: a refused call's own record would have to be written to the very log that is full;
 * recording one per call lets clients that retry without back-off refill the disk as fast as
 * it is freed, and the gateway never recovers. So {@link #refused} only counts, in memory, per
 * second of the clock: how many calls, the first and last refusal, and which keys and models
 * (each list capped at {@link #MAX_LISTED} names, the rest counted). Once the log can take
 * writes again ({@code recordable}), each closed second becomes one
 * {@link SecurityEventType#CALLS_REFUSED_UNRECORDABLE} event, oldest first. Memory is bounded:
 * at most {@link #MAX_PENDING_SECONDS} seconds are held, after which new refusals are folded
 * into the newest summary (its time range grows).
 *
 * <p>A background virtual thread tries to write closed seconds once a second ({@link #start});
 * {@link #close} writes what is left, the current second included, when the log can take it.
 * Thread-safe: the pending seconds are guarded by {@code this}; the sink is called outside the lock.
 */
public final class RefusalSummaries implements AutoCloseable {

    /** Most key ids and most models named in one summary; the rest are counted. */
    public static final int MAX_LISTED = 20;
    /** Most seconds held while the log cannot be written (one hour of refusals). */
    public static final int MAX_PENDING_SECONDS = 3600;
    /** Longest model name kept in a summary: the name comes from the client. */
    static final int MAX_NAME_CHARS = 128;

    private static final System.Logger LOG = System.getLogger(RefusalSummaries.class.getName());

    private final AuditSink sink;
    private final BooleanSupplier recordable;
    private final String code;
    private final IdSource ids;
    private final Clock clock;
    private final TreeMap<Long, Window> pending = new TreeMap<>(); // guarded by this
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private Thread flusher; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param sink where summaries are written
     * @param recordable whether the log can take a write now (the recorder's {@code recordable()})
     * @param code the error code the refused calls got ({@code audit_unavailable}), named in each summary
     */
    public RefusalSummaries(AuditSink sink, BooleanSupplier recordable, String code, IdSource ids, Clock clock) {
        this.code = code;
        this.sink = sink;
        this.recordable = recordable;
        this.ids = ids;
        this.clock = clock;
    }

    /** Starts the thread that writes closed seconds once the log can take them. */
    public synchronized RefusalSummaries start() {
        if (flusher == null && !closed) {
            flusher = Thread.ofVirtual().name("tally-refusal-summaries").start(this::run);
        }
        return this;
    }

    /** Counts one call refused now, by {@code keyId} for {@code model} (either may be null). */
    public void refused(String keyId, String model) {
        Instant now = clock.instant();
        refused.incrementAndGet();
        synchronized (this) {
            long second = now.getEpochSecond();
            Window window = pending.get(second);
            if (window == null) {
                if (pending.size() >= MAX_PENDING_SECONDS) {
                    window = pending.lastEntry().getValue(); // folded: its time range grows
                } else {
                    window = new Window(now);
                    pending.put(second, window);
                }
            }
            window.add(now, keyId, model);
        }
    }

    /** Calls refused since start. */
    public long refusedTotal() {
        return refused.get();
    }

    /** Summaries written since start. */
    public long summariesWritten() {
        return written.get();
    }

    /** Refused calls counted but not yet written in a summary. */
    public synchronized long pendingCalls() {
        return pending.values().stream().mapToLong(w -> w.count).sum();
    }

    /**
     * Writes one summary per closed second (every second before the current one), oldest first,
     * when the log can take writes; returns how many were written. A summary the sink refuses
     * stays pending for the next attempt.
     */
    public int flush() throws InterruptedException {
        return write(clock.instant().getEpochSecond());
    }

    private int write(long beforeSecond) throws InterruptedException {
        int count = 0;
        while (recordable.getAsBoolean()) {
            Map.Entry<Long, Window> oldest;
            synchronized (this) {
                oldest = pending.firstEntry();
                if (oldest == null || oldest.getKey() >= beforeSecond) {
                    return count;
                }
                pending.remove(oldest.getKey());
            }
            try {
                sink.record(event(oldest.getValue()));
            } catch (RuntimeException e) {
                synchronized (this) {
                    // the second may have a new window by now (drain takes the current one): merge
                    pending.merge(oldest.getKey(), oldest.getValue(), Window::merge);
                }
                LOG.log(Level.WARNING, "audit: a summary of " + oldest.getValue().count
                        + " refused calls could not be written yet: " + e);
                return count;
            }
            written.incrementAndGet();
            count++;
        }
        return count;
    }

    private SecurityEvent event(Window w) {
        String keyId = w.keys.size() == 1 && w.otherKeyCalls == 0 ? w.keys.keySet().iterator().next() : null;
        String model = w.models.size() == 1 && w.otherModelCalls == 0 ? w.models.keySet().iterator().next() : null;
        return new SecurityEvent(ids.next(), w.first, SecurityEventType.CALLS_REFUSED_UNRECORDABLE, null,
                keyId, null, null, null, model, 503, w.detail(code));
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(1000);
                try {
                    flush();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "audit: writing refusal summaries failed: " + e);
                }
            }
        } catch (InterruptedException stop) {
            // close() stops the thread
        }
    }

    /** {@link #drain()}, ignoring what is left (it is logged). */
    @Override
    public void close() {
        drain();
    }

    /**
     * Stops the background thread and writes every pending summary, the current second's too,
     * if the log can take them; returns the refused calls left unwritten (0 normally, logged
     * otherwise). Idempotent.
     */
    public long drain() {
        Thread thread;
        synchronized (this) {
            closed = true;
            thread = flusher;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
                write(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            try {
                write(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long left = pendingCalls();
        if (left > 0) {
            LOG.log(Level.WARNING, "audit: " + left + " refused calls were counted but their summary could not be written");
        }
        return left;
    }

    /** One second's refusals (or more, once folded). Guarded by the enclosing instance. */
    private static final class Window {
        private Instant first;
        private Instant last;
        private long count;
        private final Map<String, Long> keys = new LinkedHashMap<>();
        private final Map<String, Long> models = new LinkedHashMap<>();
        private long otherKeyCalls;
        private long otherModelCalls;

        Window(Instant first) {
            this.first = first;
            this.last = first;
        }

        /** {@code a} with {@code b}'s refusals added (the lists stay capped); returns {@code a}. */
        static Window merge(Window a, Window b) {
            Window first = a.first.isAfter(b.first) ? b : a;
            Window other = first == a ? b : a;
            first.count += other.count;
            if (other.last.isAfter(first.last)) {
                first.last = other.last;
            }
            other.keys.forEach((k, n) -> first.otherKeyCalls += tally(first.keys, k, n));
            other.models.forEach((m, n) -> first.otherModelCalls += tally(first.models, m, n));
            first.otherKeyCalls += other.otherKeyCalls;
            first.otherModelCalls += other.otherModelCalls;
            return first;
        }

        void add(Instant at, String keyId, String model) {
            count++;
            if (at.isAfter(last)) {
                last = at;
            }
            otherKeyCalls += tally(keys, keyId == null ? "-" : keyId, 1);
            otherModelCalls += tally(models, model == null ? "-" : clean(model), 1);
        }

        /** Adds {@code calls} to {@code name}'s count when listed or when there is room; else returns them (unlisted calls). */
        private static long tally(Map<String, Long> counts, String name, long calls) {
            Long n = counts.get(name);
            if (n != null || counts.size() < MAX_LISTED) {
                counts.put(name, n == null ? calls : n + calls);
                return 0;
            }
            return calls;
        }

        private static String clean(String name) {
            String s = name.replaceAll("\\p{Cntrl}", "?");
            return s.length() > MAX_NAME_CHARS ? s.substring(0, MAX_NAME_CHARS) + "..." : s;
        }

        String detail(String code) {
            StringBuilder b = new StringBuilder();
            b.append(count).append(count == 1 ? " call" : " calls").append(" refused with 503 " + code + " from ")
                    .append(first).append(" to ").append(last).append(" (the audit log could not be written); keys: ");
            list(b, keys, otherKeyCalls, "keys");
            b.append("; models: ");
            list(b, models, otherModelCalls, "models");
            return b.toString();
        }

        private static void list(StringBuilder b, Map<String, Long> counts, long others, String what) {
            String sep = "";
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                b.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = ", ";
            }
            if (others > 0) {
                b.append(sep).append("and ").append(others).append(" calls by other ").append(what);
            }
        }
    }
}
