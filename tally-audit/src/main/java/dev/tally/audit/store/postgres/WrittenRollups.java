package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.WriteBatch;
import java.util.HashMap;
import java.util.Map;

/**
 * The rollup sums of the calls this store's writer committed, per chain, so its own folds
 * ({@link RollupFolder}) need not read those entries back and parse their bodies.
 *
 * <h2>Why</h2>
 * The writer has every call in memory when it commits it; a fold used to read the same entries
 * back from the server (about 1.4 kB of body each) and parse them. With dense traffic, whose calls
 * fall into few rollup rows, that reading and parsing was most of a fold's cost. Summing a call
 * in memory costs the writer about 2 µs.
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
 * <p>Thread-safe: the writer adds under the store's lock, a folder takes under the chain's fold
 * lock; both through this object's monitor.
 */
final class WrittenRollups {

    /** The most entries one span covers; a longer one starts over. */
    static final int MAX_ENTRIES = 100_000;

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

    private final Map<String, Span> spans = new HashMap<>(); // guarded by this
    private long used; // guarded by this: folds that took a span (for tests)

    /** The writer committed {@code batch}; {@code pruned}: it pruned its chain. */
    synchronized void committed(WriteBatch batch, boolean pruned) {
        if (pruned) {
            spans.remove(batch.chain());
            return;
        }
        if (batch.entries().isEmpty()) {
            return;
        }
        long first = batch.entries().getFirst().seq();
        Span span = spans.get(batch.chain());
        if (span == null || span.to != first - 1 || span.to - span.from + batch.entries().size() > MAX_ENTRIES) {
            span = new Span(first - 1);
            spans.put(batch.chain(), span);
        }
        try {
            for (ChainedEntry e : batch.entries()) {
                if (e.entry() instanceof CallRecord call) {
                    span.rollups.add(batch.chain(), call);
                    long ts = IndexColumns.of(call).ts(); // the entries' ts column, as the fold reads it
                    span.latest = span.latest == null ? ts : Math.max(span.latest, ts);
                }
            }
        } catch (RuntimeException e) {
            // Only an optimisation, after the commit: the fold reads these entries instead.
            spans.remove(batch.chain());
            return;
        }
        span.to = batch.entries().getLast().seq();
    }

    /**
     * For a fold of {@code chain} whose {@code folded_seq} is {@code folded}, under its fold lock:
     * the span starting there, taken out (the writer's next batch starts the next span), or null.
     * A span starting below {@code folded} is dropped; one above it stays.
     */
    synchronized Span take(String chain, long folded) {
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
        Span span = spans.get(chain);
        return span == null ? -1 : span.from;
    }

    /**
     * A fold that took {@code span} did not commit: puts it back in front of what the writer
     * added since, so nothing is lost.
     */
    synchronized void putBack(String chain, Span span) {
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
