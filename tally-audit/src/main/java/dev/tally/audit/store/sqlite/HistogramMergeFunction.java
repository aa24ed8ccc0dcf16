package dev.tally.audit.store.sqlite;

import dev.tally.audit.rollup.LatencyHistogram;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * SQL function {@code tally_hist_merge(a, b)}: the merge of two {@link LatencyHistogram} BLOBs
 * (either may be NULL), so a rollup upsert can fold a batch's histogram into the stored one in
 * the same statement. Registered on the writer connection only.
 */
final class HistogramMergeFunction extends Function {

    static final String NAME = "tally_hist_merge";

    private static final int SQLITE_NULL = 5;

    @Override
    protected void xFunc() throws SQLException {
        if (args() != 2) {
            error(NAME + ": " + args() + " arguments (expected: 2)");
            return;
        }
        byte[] a = value_type(0) == SQLITE_NULL ? null : value_blob(0);
        byte[] b = value_type(1) == SQLITE_NULL ? null : value_blob(1);
        if (a == null || b == null) {
            if (a == null && b == null) {
                result();
            } else {
                result(a == null ? b : a);
            }
            return;
        }
        try {
            LatencyHistogram merged = LatencyHistogram.fromBytes(a);
            merged.merge(LatencyHistogram.fromBytes(b));
            result(merged.toBytes());
        } catch (IllegalArgumentException e) {
            error(NAME + ": " + e.getMessage());
        }
    }
}
