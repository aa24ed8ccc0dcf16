package dev.tally.audit.verify.deep;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupDigest;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.rollup.UsageTotals;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.TagRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The deep check of one chain, fed by {@link DerivedRows#readDerived} in its order: the anchor,
 * the entries (recomputing the rollup and tag rows they imply), then the stored rollup and tag
 * rows, each compared as it arrives and struck off; what is left over at {@link #finish} is
 * missing.
 *
 * <p>Rows whose bucket starts at or after the digest's {@code until} (all rows of a chain never
 * pruned) must equal the recomputed ones column by column. Rows before it may hold what pruned
 * calls added: their residuals (stored minus recomputed) are hashed and compared with the
 * {@link RollupDigest} of the retention run that left the anchor, and a residual no pruned call
 * could leave (a negative value, a histogram missing values retained calls recorded) is named on
 * its own. Not thread-safe: one instance per chain and run.
 */
final class ChainDeepCheck implements DerivedRows.Visitor {

    private final String chain;
    private final Consumer<Difference> differences;
    private final RollupBatch recomputed = new RollupBatch();
    private final Set<TagRow> tags = new HashSet<>();
    private final List<RollupRow> residuals = new ArrayList<>();
    private SignedHead anchor;
    private String digestText;
    private RollupDigest digest;
    private long until = Long.MIN_VALUE;
    private boolean scoped;
    private long calls;
    private long rollupRows;
    private long tagRows;

    ChainDeepCheck(String chain, Consumer<Difference> differences) {
        this.chain = chain;
        this.differences = differences;
    }

    @Override
    public void anchor(SignedHead anchor) {
        this.anchor = anchor;
    }

    @Override
    public void entry(StoredRow row) {
        AuditEntry entry;
        try {
            entry = EntryHasher.parse(row.body());
        } catch (IllegalArgumentException e) {
            differences.accept(new Difference(chain, "entries", "seq=" + row.seq(), "body", "not an entry",
                    "an entry whose rollups can be recomputed"));
            return;
        }
        switch (entry) {
            case CallRecord call -> {
                calls++;
                recomputed.add(chain, call);
                call.tags().forEach((name, value) -> tags.add(new TagRow(chain, row.seq(), name, value)));
            }
            case AdminEvent event -> {
                if (anchor != null && DerivedRows.retentionRunOf(event, chain, anchor.seq())) {
                    digestText = event.after().get(DerivedRows.ROLLUP_DIGEST); // the newest such run wins
                }
            }
            case dev.tally.audit.entry.SecurityEvent ignored -> {
                // Security events add to no derived row.
            }
        }
    }

    @Override
    public void rollupRow(RollupRow stored) {
        scope();
        rollupRows++;
        UsageTotals totals = recomputed.rows(stored.table()).remove(stored.key());
        RollupRow expected = totals == null ? null : RollupRow.of(stored.table(), stored.key(), totals);
        if (stored.key().hour() < until) {
            residuals.add(RollupRow.residual(stored.table(), stored.key(), stored, expected));
        } else if (expected == null) {
            differences.accept(new Difference(chain, stored.table().tableName(), rowName(stored), "(row)",
                    summary(stored), Difference.ABSENT));
        } else {
            compare(stored, expected);
        }
    }

    @Override
    public void tagRow(TagRow row) {
        tagRows++;
        if (!tags.remove(row)) {
            differences.accept(new Difference(chain, "call_tags", "seq=" + row.seq() + " name=" + row.name(), "value",
                    row.value(), Difference.ABSENT));
        }
    }

    /** Reports what was expected and never stored, checks the pruned range; returns the chain's summary. */
    DeepReport.Chain finish() {
        scope();
        for (RollupTable table : RollupTable.values()) {
            for (Map.Entry<RollupKey, UsageTotals> left : recomputed.rows(table).entrySet()) {
                RollupRow expected = RollupRow.of(table, left.getKey(), left.getValue());
                if (left.getKey().hour() < until) {
                    residuals.add(RollupRow.residual(table, left.getKey(), null, expected));
                } else {
                    differences.accept(new Difference(chain, table.tableName(), rowName(expected), "(row)",
                            Difference.ABSENT, summary(expected)));
                }
            }
        }
        tags.stream().sorted(java.util.Comparator.comparingLong(TagRow::seq).thenComparing(TagRow::name))
                .forEach(t -> differences.accept(new Difference(chain, "call_tags", "seq=" + t.seq() + " name="
                        + t.name(), "value", Difference.ABSENT, t.value())));
        return new DeepReport.Chain(chain, calls, rollupRows, tagRows, pruned());
    }

    /** Fixes {@code until} once the entries are read: from the digest of the run that left the anchor. */
    private void scope() {
        if (scoped) {
            return;
        }
        scoped = true;
        if (anchor == null) {
            return;
        }
        String signed = anchor.rollupDigest();
        if (signed != null && digestText != null && !signed.equals(digestText)) {
            differences.accept(new Difference(chain, "entries", "retention_run of anchor seq=" + anchor.seq(),
                    DerivedRows.ROLLUP_DIGEST, digestText, signed + " (in the signed anchor)"));
        }
        String text = signed != null ? signed : digestText; // the anchor's own, signed, wins
        if (text != null) {
            try {
                digest = RollupDigest.parse(text);
                until = digest.until();
                return;
            } catch (IllegalArgumentException e) {
                differences.accept(new Difference(chain, "entries", "retention_run of anchor seq=" + anchor.seq(),
                        DerivedRows.ROLLUP_DIGEST, text, "v1:<until ms>:<64 hex>"));
            }
        }
        // No digest: pruned calls were before the cut-off, which was before the anchor was signed.
        until = RollupTable.Grain.DAY.ceil(anchor.at().toEpochMilli());
    }

    private PrunedRollups pruned() {
        if (anchor == null) {
            return new PrunedRollups.NotPruned();
        }
        long rows = 0;
        for (RollupRow residual : residuals) {
            if (residual.isEmpty()) {
                continue;
            }
            rows++;
            impossible(residual);
        }
        if (digest == null) {
            return new PrunedRollups.Unsigned(until, rows);
        }
        RollupDigest now = RollupDigest.of(chain, until, residuals);
        if (now.equals(digest)) {
            return new PrunedRollups.Matched(digest, rows);
        }
        differences.accept(new Difference(chain, "rollups", "every table, rows before " + Instant.ofEpochMilli(until),
                DerivedRows.ROLLUP_DIGEST, now.text(), digest.text() + " (signed at the prune)"));
        return new PrunedRollups.Mismatched(digest, now, rows);
    }

    /** Names a residual no pruned call can leave: a value below what the retained calls add. */
    private void impossible(RollupRow residual) {
        for (Map.Entry<String, String> column : residual.columns().entrySet()) {
            String value = column.getValue();
            if (value.startsWith("-") && !value.equals("-") || value.equals("!")) {
                differences.accept(new Difference(chain, residual.table().tableName(), rowName(residual),
                        column.getKey(), "less than the retained calls add",
                        value.equals("!") ? "a histogram holding their values" : "at least " + value.substring(1)
                                + " more"));
            }
        }
    }

    private void compare(RollupRow stored, RollupRow expected) {
        Map<String, String> want = expected.columns();
        for (Map.Entry<String, String> column : stored.columns().entrySet()) {
            String recomputedValue = want.get(column.getKey());
            if (!column.getValue().equals(recomputedValue)) {
                differences.accept(new Difference(chain, stored.table().tableName(), rowName(stored), column.getKey(),
                        column.getValue(), recomputedValue));
            }
        }
    }

    /** The key columns but the chain, as {@code column=value}, times in ISO-8601 UTC. */
    static String rowName(RollupRow row) {
        StringBuilder name = new StringBuilder();
        for (Map.Entry<String, String> column : row.keyColumns().entrySet()) {
            if (column.getKey().equals("chain")) {
                continue;
            }
            if (!name.isEmpty()) {
                name.append(' ');
            }
            String value = column.getValue();
            if (column.getKey().equals("hour") || column.getKey().equals("day")) {
                value = Instant.ofEpochMilli(Long.parseLong(value)).toString();
            } else if (value.isEmpty()) {
                value = "''";
            }
            name.append(column.getKey()).append('=').append(value);
        }
        return name.toString();
    }

    /** A row's calls and cost, for a row that is missing or extra. */
    private static String summary(RollupRow row) {
        return "calls=" + row.value(RollupRow.Column.CALLS) + " cost_micros=" + row.value(RollupRow.Column.COST_MICROS);
    }
}
