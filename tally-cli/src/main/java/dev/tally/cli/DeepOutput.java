package dev.tally.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.verify.deep.DeepReport;
import dev.tally.audit.verify.deep.Difference;
import dev.tally.audit.verify.deep.PrunedRollups;
import java.io.PrintWriter;

/**
 * Prints the deep check of {@code tally verify --deep} ({@link dev.tally.audit.verify.deep.DeepCheck}):
 * per chain what was recomputed, then every difference (one line each, up to the check's limit) and
 * a verdict; or, in JSON, the member {@code "deep":{"ok","chains":[…],"differences":[…],
 * "differences_total"}} of the verify report. Stateless.
 */
final class DeepOutput {

    private DeepOutput() {
    }

    static void text(PrintWriter out, DeepReport report) {
        for (DeepReport.Chain chain : report.chains()) {
            out.printf("deep %s: %d call records, %d rollup rows, %d tag rows recomputed; %s%n", chain.chain(), chain.calls(),
                    chain.rollupRows(), chain.tagRows(), pruned(chain.pruned()));
        }
        for (Difference difference : report.differences()) {
            out.println("DIFFERS: " + difference);
        }
        long unlisted = report.differencesTotal() - report.differences().size();
        if (unlisted > 0) {
            out.println("… and " + unlisted + " more difference(s)");
        }
        out.println(report.ok() ? "OK: every rollup and tag row matches the entries"
                : "FAILED: " + report.differencesTotal() + " rollup or tag value(s) differ from what the entries say");
        out.flush();
    }

    static void json(ObjectNode root, DeepReport report) {
        ObjectNode deep = root.putObject("deep");
        deep.put("ok", report.ok());
        ArrayNode chains = deep.putArray("chains");
        for (DeepReport.Chain chain : report.chains()) {
            chains.addObject().put("chain", chain.chain()).put("calls", chain.calls()).put("rollup_rows", chain.rollupRows())
                    .put("tag_rows", chain.tagRows()).put("pruned", pruned(chain.pruned()));
        }
        ArrayNode differences = deep.putArray("differences");
        for (Difference d : report.differences()) {
            differences.addObject().put("chain", d.chain()).put("table", d.table()).put("row", d.row())
                    .put("column", d.column()).put("stored", d.stored()).put("recomputed", d.recomputed());
        }
        deep.put("differences_total", report.differencesTotal());
    }

    private static String pruned(PrunedRollups pruned) {
        return switch (pruned) {
            case PrunedRollups.NotPruned n -> "never pruned";
            case PrunedRollups.Matched m -> m.rows() + " rows of pruned calls match the signed rollup digest";
            case PrunedRollups.Mismatched m -> "rows of pruned calls do NOT match the signed rollup digest";
            case PrunedRollups.Unsigned u -> "rows of pruned calls before " + java.time.Instant.ofEpochMilli(u.until())
                    + " not checked (the retention anchor carries no rollup digest)";
        };
    }
}
