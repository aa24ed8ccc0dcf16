package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rollup sums of the calls this store's writer committed, per chain, so its own folds
 * ({@link RollupFolder}) need not read those entries back and parse their bodies.
 *
 * <h2>Why</h2>
 * The writer has every call in memory when it commits it; a fold used to read the same entries
 * back from the server (about 1.4 kB of body each) and parse them. With dense traffic, whose calls
 * fall into few rollup rows, that reading and parsing was most of a fold's cost. Summing a call
 * in memory costs about 2 µs, on a thread of its own ({@value #THREAD}, in commit order; it
 * ends when idle), so the writer does not wait for it: it only hands over the batch's calls. A
 * fold waits until every batch handed over is summed before it looks at a span.
 *
 * <h2>Exactness</h2>
 * A chain's {@link Span} holds the sums of exactly the entries in {@code (from, to]}: a committed
 * batch is added only when its first seq is {@code to + 1} (else the span starts over at the
 * batch); seqs are unique per chain, so nothing else can be there. Only committed batches are
 * added (a batch whose commit failed, even one that may have committed, is not, and the next one
 * then does not continue the span). A fold uses a span only when, under the chain's fold lock, the
 * chain's {@code folded_seq} is the span's {@code from}: every entry of the span is then
 * unfolded, and the fold moves {@code folded_seq} to {@code to}. A span whose {@code from} is
 * below {@code folded_seq} (another instance, or a prune, folded some of it) is dropped; one
 * above it waits while the fold reads the entries up to its {@code from} the usual way. A batch
 * that prunes drops its chain's span (the prune folds in the writer's transaction). A span of
 * more than {@value #MAX_ENTRIES} entries (a folder that is off or failing) starts over, which
 * bounds the memory.
 *
 * <p>Thread-safe: the writer hands batches over without waiting (under the store's lock, so in
 * commit order), the summing thread adds them under this object's monitor, a folder takes under
 * the chain's fold lock and this monitor.
 */
final class WrittenRollups {

    /** The most entries one span covers; a longer one starts over. */
    static final int MAX_ENTRIES = 100_000;
    /**
     * Calls summed between two {@link Thread#yield}s (about 40 µs): a committed batch's sums start
     * just as the writer begins the next batch's round trips, and summing a thousand calls in one
     * go kept a core from the writer and the database's process for a few milliseconds (see the
     * recorder's {@code AheadEncoder}, which yields for the same reason).
     */
    static final int YIELD_EVERY = 16;

    /** The sums of a chain's entries {@code (from, to]} (calls only) and the latest call's time, or null. */
    static final class Span {
        final long from;
        long to;
        Long latest;
        final RollupBatch rollups = new RollupBatch();

        Span(long from) {
            this.from = from;
            this.to = from;
        }
    }

    /** The name of the thread that sums committed batches. */
    static final String THREAD = "tally-postgres-rollup-sums";

    private final Map<String, Span> spans = new HashMap<>(); // guarded by this
    private long used; // guarded by this: folds that took a span (for tests)
    // One thread at most, so batches are summed in the order they were handed over; none while idle.
    private final ThreadPoolExecutor summer = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, THREAD);
                t.setDaemon(true);
                return t;
            });
    private final AtomicInteger queued = new AtomicInteger(); // handed over, not summed yet; changed under this when summed

    /** The writer committed {@code batch}; {@code pruned}: it pruned its chain. Returns without waiting. */
    void committed(WriteBatch batch, boolean pruned) {
        if (batch.entries().isEmpty() && !pruned) {
            return;
        }
        String chain = batch.chain();
        long first = pruned ? 0 : batch.entries().getFirst().seq();
        long last = pruned ? 0 : batch.entries().getLast().seq();
        List<CallRecord> calls = new ArrayList<>(); // the calls only: the batch's payloads are not kept
        for (ChainedEntry e : batch.entries()) {
            if (e.entry() instanceof CallRecord call) {
                calls.add(call);
            }
        }
        queued.incrementAndGet();
        try {
            summer.execute(() -> add(chain, first, last, calls, pruned));
        } catch (RejectedExecutionException e) {
            add(chain, first, last, List.of(), true); // cannot happen (unbounded queue): forget the span
        }
    }

    /** Adds a committed batch's calls (seqs {@code first..last}) to its chain's span; on the summing thread. */
    private synchronized void add(String chain, long first, long last, List<CallRecord> calls, boolean pruned) {
        try {
            if (pruned) {
                spans.remove(chain);
                return;
            }
            Span span = spans.get(chain);
            if (span == null || span.to != first - 1 || span.to - span.from + (last - first + 1) > MAX_ENTRIES) {
                span = new Span(first - 1);
                spans.put(chain, span);
            }
            try {
                int summed = 0;
                for (CallRecord call : calls) {
                    if (++summed % YIELD_EVERY == 0) {
                        Thread.yield(); // see YIELD_EVERY
                    }
                    span.rollups.add(chain, call);
                    long ts = IndexColumns.ts(call); // the entries' ts column, as the fold reads it
                    span.latest = span.latest == null ? ts : Math.max(span.latest, ts);
                }
            } catch (RuntimeException e) {
                // Only an optimisation, after the commit: the fold reads these entries instead.
                spans.remove(chain);
                return;
            }
            span.to = last;
        } finally {
            queued.decrementAndGet();
            notifyAll();
        }
    }

    /** Waits (holding this monitor, which wait releases) until every batch handed over is summed. */
    private void settle() {
        while (queued.get() > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the caller goes on: a span it then misses is dropped later, never counted twice
            }
        }
    }

    /**
     * For a fold of {@code chain} whose {@code folded_seq} is {@code folded}, under its fold lock:
     * the span starting there, taken out (the writer's next batch starts the next span), or null.
     * A span starting below {@code folded} is dropped; one above it stays.
     */
    synchronized Span take(String chain, long folded) {
        settle();
        Span span = spans.get(chain);
        if (span == null || span.from > folded) {
            return null;
        }
        spans.remove(chain);
        if (span.from < folded) {
            return null; // some of it was folded from the entries
        }
        used++;
        return span;
    }

    /** Where {@code chain}'s span starts, or -1: a fold reading entries stops there, so the next one can take it. */
    synchronized long start(String chain) {
        settle();
        Span span = spans.get(chain);
        return span == null ? -1 : span.from;
    }

    /**
     * A fold that took {@code span} did not commit: puts it back in front of what the writer
     * added since, so nothing is lost.
     */
    synchronized void putBack(String chain, Span span) {
        settle();
        Span since = spans.get(chain);
        if (since != null && since.from == span.to) {
            span.rollups.addAll(since.rollups);
            span.to = since.to;
            span.latest = later(span.latest, since.latest);
        } else if (since != null) {
            return; // the writer started over meanwhile: the span is of no use any more
        }
        spans.put(chain, span);
    }

    /** The later of two times, either of which may be null (none). */
    static Long later(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(Math.max(a, b));
    }

    /** How many folds took a span. */
    synchronized long used() {
        return used;
    }
}
