package dev.tally.audit.query;

import dev.tally.audit.entry.CallStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A usage aggregation over call records.
 *
 * @param since inclusive lower bound on started_at, or null for all time
 * @param until exclusive upper bound, or null for now
 * @param groupBy dimensions, in order; empty for the summary only; at most one tag
 * @param keyId only this key, or null
 * @param model only this model, or null
 * @param provider only this provider, or null
 * @param status only this status, or null
 * @param user only this user, or null
 * @param tag only records with this tag value ({@code name -> value}), at most one, or empty
 * @param orderBy a numeric column of {@link UsageStats} to sort groups by, descending, or null
 *     for group-key order
 * @param limit keep only the first {@code limit} groups, or null for all
 */
public record UsageQuery(
        Instant since,
        Instant until,
        List<GroupBy> groupBy,
        String keyId,
        String model,
        String provider,
        CallStatus status,
        String user,
        Map<String, String> tag,
        String orderBy,
        Integer limit) {

    /** Columns {@code orderBy} accepts. */
    public static final Set<String> ORDER_COLUMNS = Set.of(
            "calls", "success", "errors", "refused", "cancelled", "interrupted", "input_tokens",
            "cached_input_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens",
            "cost_micros", "unpriced_calls", "latency_avg", "latency_p50", "latency_p95", "latency_p99",
            "ttft_avg", "ttft_p50", "ttft_p95", "ttft_p99");

    public UsageQuery {
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
        tag = tag == null ? Map.of() : Map.copyOf(tag);
        if (groupBy.stream().filter(g -> g instanceof GroupBy.Tag).count() > 1) {
            throw new IllegalArgumentException("group_by: " + groupBy.stream().map(GroupBy::wireName).toList()
                    + " (expected: at most one tag:<name>)");
        }
        if (tag.size() > 1) {
            throw new IllegalArgumentException("tag: " + tag + " (expected: at most one tag filter for usage)");
        }
        if (orderBy != null && !ORDER_COLUMNS.contains(orderBy)) {
            throw new IllegalArgumentException("order_by: '" + orderBy + "' (expected one of: "
                    + new java.util.TreeSet<>(ORDER_COLUMNS) + ")");
        }
        if (limit != null && (limit < 1 || limit > 10_000)) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1..10000)");
        }
    }

    /** Usage over a range, grouped by {@code groupBy}, no filters. */
    public static UsageQuery over(Instant since, Instant until, List<GroupBy> groupBy) {
        return new UsageQuery(since, until, groupBy, null, null, null, null, null, Map.of(), null, null);
    }
}
