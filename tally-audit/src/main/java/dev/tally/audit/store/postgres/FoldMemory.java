package dev.tally.audit.store.postgres;

import dev.tally.audit.rollup.RollupTable;
import java.util.EnumMap;
import java.util.Map;

/**
 * What this store's folds of one chain know about the chain's rollup rows between folds: the
 * histogram bytes each recent row holds ({@link KnownHistograms}), valid while the chain's
 * {@code folded_seq} is still the one this store's last fold committed.
 *
 * <p>Why that is enough: only a fold writes rollup rows, every fold that writes any moves
 * {@code folded_seq}, and every fold writes the bytes of every row it touches here. So when a
 * fold, under the chain's fold lock, reads the {@code folded_seq} this memory was committed at,
 * no other fold (of another instance, or a retention prune) has written a row since, and the
 * bytes here are what the table holds: the fold merges into them without reading them back. Any
 * other {@code folded_seq} clears it. A dense chain (the same hour's rows in fold after fold) so
 * skips one select per fold; a sparse one reads little anyway.
 *
 * <p>Not thread-safe: a caller holds its monitor from {@link #at} through {@link #committed} or
 * {@link #rolledBack}.
 */
final class FoldMemory {

    private final Map<RollupTable, KnownHistograms> known = new EnumMap<>(RollupTable.class);
    private long foldedSeq = -1; // the folded_seq the committed histograms are valid at; -1: none
    private long pendingSeq = -1;
    private WrittenRollups.Span taken; // the span the open fold took, until it commits or not
    private boolean stoppedAtSpan; // the open fold read entries up to a span's start only

    FoldMemory() {
        for (RollupTable table : RollupTable.values()) {
            known.put(table, new KnownHistograms());
        }
    }

    /** The histograms to fold with when the chain's {@code folded_seq} is {@code folded} now. */
    Map<RollupTable, KnownHistograms> at(long folded) {
        if (folded != foldedSeq) {
            known.values().forEach(KnownHistograms::clear);
            foldedSeq = -1;
        }
        return known;
    }

    /** The open fold folds {@code span} ({@link WrittenRollups}) instead of reading its entries. */
    void took(WrittenRollups.Span span) {
        taken = span;
    }

    /** The span the open fold took, or null; for the caller to put back when the fold does not commit. */
    WrittenRollups.Span taken() {
        return taken;
    }

    /** The open fold read the entries up to a span's start, and stopped there: the next fold takes the span. */
    void stoppedAtSpan(boolean stopped) {
        stoppedAtSpan = stopped;
    }

    /** Whether the last fold stopped at a span's start, so another fold has more to do at once. */
    boolean stoppedAtSpan() {
        return stoppedAtSpan;
    }

    /** The open fold moves {@code folded_seq} to {@code seq} once it commits. */
    void pending(long seq) {
        pendingSeq = seq;
    }

    /** The fold's transaction committed: its rows' bytes are now what the table holds. */
    void committed() {
        taken = null;
        if (pendingSeq < 0) {
            return; // nothing folded: the memory stays valid at its folded_seq
        }
        known.values().forEach(KnownHistograms::commit);
        foldedSeq = pendingSeq;
        pendingSeq = -1;
    }

    /** The fold's transaction did not commit (or may not have): forget everything. */
    void rolledBack() {
        taken = null;
        known.values().forEach(KnownHistograms::clear);
        foldedSeq = -1;
        pendingSeq = -1;
    }
}
