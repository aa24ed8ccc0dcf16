package dev.tally.audit.store.jdbc;

import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.query.UsageStats;
import dev.tally.audit.rollup.UsageTotals;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns aggregated groups into a {@link UsageReport}: the summary over every group, groups
 * sorted by {@code order_by} descending (ties and the default by group values ascending, absent
 * values last, {@code hour_of_day} numerically), cut to {@code limit}. Store-independent.
 */
public final class UsageReports {

    private UsageReports() {
    }

    public static UsageReport build(UsageQuery query, Map<List<String>, UsageTotals> groups) {
        UsageTotals summary = new UsageTotals();
        groups.values().forEach(summary::add);
        if (query.groupBy().isEmpty()) {
            return new UsageReport(summary.toStats(), List.of());
        }
        List<UsageGroup> result = new ArrayList<>();
        for (Map.Entry<List<String>, UsageTotals> e : groups.entrySet()) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < query.groupBy().size(); i++) {
                values.put(query.groupBy().get(i).wireName(), e.getKey().get(i));
            }
            result.add(new UsageGroup(Collections.unmodifiableMap(values), e.getValue().toStats()));
        }
        Comparator<UsageGroup> byValues = byValues(query.groupBy());
        Comparator<UsageGroup> order = query.orderBy() == null ? byValues
                : Comparator.comparingDouble((UsageGroup g) -> metric(g.stats(), query.orderBy())).reversed()
                        .thenComparing(byValues);
        result.sort(order);
        if (query.limit() != null && result.size() > query.limit()) {
            result = result.subList(0, query.limit());
        }
        return new UsageReport(summary.toStats(), result);
    }

    private static Comparator<UsageGroup> byValues(List<GroupBy> dimensions) {
        Comparator<UsageGroup> comparator = (a, b) -> 0;
        for (GroupBy dimension : dimensions) {
            String name = dimension.wireName();
            Comparator<String> values = dimension == GroupBy.Dimension.HOUR_OF_DAY
                    ? Comparator.comparingInt(Integer::parseInt) : Comparator.naturalOrder();
            comparator = comparator.thenComparing(g -> g.group().get(name), Comparator.nullsLast(values));
        }
        return comparator;
    }

    /** The value of an {@code order_by} column; an absent latency sorts below every value. */
    public static double metric(UsageStats s, String column) {
        return switch (column) {
            case "calls" -> s.calls();
            case "success" -> s.success();
            case "errors" -> s.errors();
            case "refused" -> s.refused();
            case "cancelled" -> s.cancelled();
            case "interrupted" -> s.interrupted();
            case "input_tokens" -> s.inputTokens();
            case "cached_input_tokens" -> s.cachedInputTokens();
            case "cache_write_tokens" -> s.cacheWriteTokens();
            case "output_tokens" -> s.outputTokens();
            case "reasoning_tokens" -> s.reasoningTokens();
            case "cost_micros" -> s.costMicros();
            case "unpriced_calls" -> s.unpricedCalls();
            case "latency_avg" -> orLowest(s.latencyMs().avg());
            case "latency_p50" -> orLowest(s.latencyMs().p50());
            case "latency_p95" -> orLowest(s.latencyMs().p95());
            case "latency_p99" -> orLowest(s.latencyMs().p99());
            case "ttft_avg" -> orLowest(s.ttftMs().avg());
            case "ttft_p50" -> orLowest(s.ttftMs().p50());
            case "ttft_p95" -> orLowest(s.ttftMs().p95());
            case "ttft_p99" -> orLowest(s.ttftMs().p99());
            default -> throw new IllegalArgumentException("order_by: '" + column + "' (expected one of: "
                    + new java.util.TreeSet<>(UsageQuery.ORDER_COLUMNS) + ")");
        };
    }

    private static double orLowest(Number value) {
        return value == null ? Double.NEGATIVE_INFINITY : value.doubleValue();
    }
}
