package dev.tally.audit.store.postgres;

import dev.tally.audit.rollup.LatencyHistogram;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.rollup.UsageTotals;
import dev.tally.audit.store.RollupRowReads;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A chain's rollup rows as they would be with every committed call folded in, for
 * {@code verify --deep} and retention's rollup digest: each stored row plus what the chain's
 * unfolded calls ({@link UnfoldedCalls}) add to it, column by column, and the rows only unfolded
 * calls make. So both see the same rows whether or not the folder has run, and a stored row that
 * was edited still differs from what the entries recompute: numbers are added as stored (never
 * recomputed from a histogram), and a stored histogram that does not decode is handed on as it is.
 *
 * <p>Not thread-safe: one instance per snapshot and chain, used by one thread.
 */
final class FoldedRollupRows {

    private final Connection c;
    private final String chain;
    private RollupBatch unfolded; // read on first use, in the caller's snapshot

    FoldedRollupRows(Connection c, String chain) {
        this.c = c;
        this.chain = chain;
    }

    /** Streams the chain's rows of {@code table} whose bucket starts before {@code before}. */
    void read(RollupTable table, long before, Consumer<RollupRow> sink) throws SQLException {
        if (unfolded == null) {
            unfolded = UnfoldedCalls.rollups(c, chain);
        }
        Map<RollupKey, UsageTotals> left = new HashMap<>();
        unfolded.rows(table).forEach((key, totals) -> {
            if (key.hour() < before) {
                left.put(key, totals);
            }
        });
        RollupRowReads.read(c, chain, table, before, stored -> {
            UsageTotals more = left.remove(stored.key());
            sink.accept(more == null ? stored : plus(stored, RollupRow.of(table, stored.key(), more)));
        });
        left.forEach((key, totals) -> sink.accept(RollupRow.of(table, key, totals)));
    }

    /** {@code stored} with {@code more} added column by column. */
    static RollupRow plus(RollupRow stored, RollupRow more) {
        long[] values = stored.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] += more.values()[i];
        }
        return new RollupRow(stored.table(), stored.key(), values,
                merged(stored.latencyHistogram(), more.latencyHistogram()),
                merged(stored.ttftHistogram(), more.ttftHistogram()));
    }

    private static byte[] merged(byte[] stored, byte[] more) {
        if (more == null) {
            return stored;
        }
        if (stored == null) {
            return more;
        }
        try {
            LatencyHistogram h = LatencyHistogram.fromBytes(stored);
            h.mergeBytes(more);
            return h.toBytes();
        } catch (IllegalArgumentException e) {
            return stored; // not a histogram: left as stored, so the check reports it
        }
    }
}
