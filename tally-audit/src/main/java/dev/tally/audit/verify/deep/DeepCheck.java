package dev.tally.audit.verify.deep;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.DerivedRows;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tally verify --deep}: recomputes, from the retained entries of every chain (each stored
 * body parsed again), the rows the store derives from them (the rows of every usage rollup
 * table and the call tag rows) and compares them with the stored ones, naming every column that
 * differs and every missing or extra row. The rollup rows pruned calls added to, which no
 * retained entry can recompute, are checked against the {@link dev.tally.audit.rollup.RollupDigest}
 * the retention run that pruned them signed. Every {@code cost_adjustments} row is checked against
 * its chained {@code cost_adjustment} event and the adjusted call ({@link AdjustmentCheck}).
 *
 * <p>It complements {@link dev.tally.audit.verify.Verifier}, which checks the entries
 * themselves: run both. Each chain is read in one snapshot of the store, so a gateway may keep
 * writing meanwhile. Cost: one pass over the chain's entries and over every rollup and tag row;
 * memory grows with the number of distinct rollup and tag rows of a chain, not with its entries.
 *
 * <p>Thread-safe: no state between runs.
 */
public final class DeepCheck {

    /** The differences a report lists by default; more are counted only. */
    public static final int DEFAULT_LIMIT = 1_000;

    private DeepCheck() {
    }

    /** {@link #run(AuditStore, int)} listing at most {@value #DEFAULT_LIMIT} differences. */
    public static DeepReport run(AuditStore store) {
        return run(store, DEFAULT_LIMIT);
    }

    /**
     * Checks every chain of {@code store}; returns when done.
     *
     * @param limit the most differences to list (all are counted), at least 1
     * @throws IllegalArgumentException when the store cannot hand out its derived rows (not a
     *     {@link DerivedRows}), or the limit is below 1
     */
    public static DeepReport run(AuditStore store, int limit) {
        if (!(store instanceof DerivedRows rows)) {
            throw new IllegalArgumentException("store: " + store.getClass().getSimpleName()
                    + " (expected: a store that hands out its derived rows, SQLite or PostgreSQL)");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        List<Difference> listed = new ArrayList<>();
        long[] total = {0};
        java.util.function.Consumer<Difference> sink = d -> {
            total[0]++;
            if (listed.size() < limit) {
                listed.add(d);
            }
        };
        List<DeepReport.Chain> chains = new ArrayList<>();
        for (String chain : rows.chains()) {
            ChainDeepCheck check = new ChainDeepCheck(chain, sink);
            AdjustmentCheck adjustments = new AdjustmentCheck(chain, rows, sink);
            rows.readDerived(chain, adjustments.around(check));
            chains.add(check.finish());
            adjustments.finish();
        }
        AdjustmentCheck.badDeltas(rows, sink);
        long stray = rows.strayTagRows();
        if (stray > 0) {
            sink.accept(new Difference("", "call_tags", "rows whose entry does not exist", "(rows)",
                    Long.toString(stray), "0"));
        }
        return new DeepReport(chains, listed, total[0]);
    }
}
