package dev.tally.cli.usage;

import dev.tally.audit.adjust.UsageAdjustments;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.query.UsageStats;
import dev.tally.cli.text.Table;
import dev.tally.cli.text.Values;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A usage report as a table for people: one column per grouping dimension (a key by its name
 * when it has one), then calls by
 * outcome, tokens, cost in USD, latency and time to first token, and a {@code TOTAL} row from
 * the report's summary. A cost that leaves out unpriced calls is marked {@code *} and explained
 * under the table; a group whose calls are all unpriced shows {@code -}, never {@code $0}. When
 * the report's calls have cost adjustments (re-pricing), {@code ADJUSTMENT} and
 * {@code ADJUSTED COST} follow {@code COST}, which stays the spend as recorded.
 * Stateless.
 */
final class UsageTable {

    private static final List<String> FIGURES = List.of("CALLS", "SUCCESS", "ERRORS", "REFUSED", "CANCELLED",
            "INPUT TOKENS", "OUTPUT TOKENS", "COST", "AVG LATENCY", "P95 LATENCY", "P95 TTFT");
    private static final List<String> ADJUSTED_FIGURES = List.of("CALLS", "SUCCESS", "ERRORS", "REFUSED", "CANCELLED",
            "INPUT TOKENS", "OUTPUT TOKENS", "COST", "ADJUSTMENT", "ADJUSTED COST", "AVG LATENCY", "P95 LATENCY",
            "P95 TTFT");

    private UsageTable() {
    }

    static void print(PrintWriter out, List<GroupBy> groupBy, UsageReport report, UsageAdjustments adjustments) {
        boolean adjusted = adjustments.totalMicros() != 0 || adjustments.byGroup().values().stream().anyMatch(v -> v != 0);
        List<String> header = new ArrayList<>();
        groupBy.forEach(g -> header.add(g.wireName().toUpperCase(Locale.ROOT)));
        int labels = Math.max(1, groupBy.size()); // without groups, one column for the TOTAL label
        if (groupBy.isEmpty()) {
            header.add("");
        }
        header.addAll(adjusted ? ADJUSTED_FIGURES : FIGURES);
        boolean[] right = new boolean[header.size()];
        for (int i = labels; i < right.length; i++) {
            right[i] = true;
        }
        Table table = new Table(header, right);
        boolean partialCost = false;
        for (UsageGroup group : report.groups()) {
            List<String> row = new ArrayList<>();
            for (GroupBy g : groupBy) {
                String value = group.group().get(g.wireName());
                if (g == GroupBy.Dimension.KEY && group.group().get("key_name") != null) {
                    value = group.group().get("key_name"); // people know their keys by name
                }
                row.add(value == null ? "(none)" : value);
            }
            row.addAll(figures(group.stats(), adjusted ? adjustments.of(group, groupBy) : null));
            partialCost |= partial(group.stats());
            table.row(row);
        }
        List<String> total = new ArrayList<>();
        total.add("TOTAL");
        for (int i = 1; i < labels; i++) {
            total.add("");
        }
        total.addAll(figures(report.summary(), adjusted ? adjustments.totalMicros() : null));
        partialCost |= partial(report.summary());
        table.row(total);
        table.print(out);
        if (partialCost) {
            out.println("* the cost leaves out " + report.summary().unpricedCalls()
                    + " call(s) without a price (models with no price configured, or failed before a cost was known)");
        }
    }

    /** The figures of a row; with {@code adjustment} (non-null), the adjustment and adjusted cost after the cost. */
    private static List<String> figures(UsageStats s, Long adjustment) {
        List<String> row = new ArrayList<>(List.of(Long.toString(s.calls()), Long.toString(s.success()),
                Long.toString(s.errors()), Long.toString(s.refused()), Long.toString(s.cancelled()),
                Long.toString(s.inputTokens()), Long.toString(s.outputTokens()), cost(s)));
        if (adjustment != null) {
            row.add(adjustment == 0 ? "" : (adjustment > 0 ? "+" : "-") + Values.usd(Math.abs(adjustment)));
            row.add(Values.usd(s.costMicros() + adjustment) + (partial(s) ? "*" : ""));
        }
        row.add(Values.millis(s.latencyMs() == null ? null : s.latencyMs().avg()));
        row.add(Values.millis(s.latencyMs() == null ? null : s.latencyMs().p95()));
        row.add(Values.millis(s.ttftMs() == null ? null : s.ttftMs().p95()));
        return row;
    }

    private static String cost(UsageStats s) {
        if (s.calls() > 0 && s.unpricedCalls() >= s.calls()) {
            return Values.NONE;
        }
        return Values.usd(s.costMicros()) + (partial(s) ? "*" : "");
    }

    private static boolean partial(UsageStats s) {
        return s.unpricedCalls() > 0 && s.unpricedCalls() < s.calls();
    }
}
