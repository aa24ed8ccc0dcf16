package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.query.UsageStats;

/**
 * Usage figures as JSON (DESIGN.md section 4):
 * {@code {"summary":{stats},"groups":[{"group":{dimension:value|null…}, stats…}]}} where stats are
 * {@code calls, success, errors, refused, cancelled, interrupted, input_tokens,
 * cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_micros,
 * adjustment_micros, adjusted_cost_micros, unpriced_calls, latency_ms:{avg,p50,p95,p99},
 * ttft_ms:{avg,p50,p95,p99}}}. {@code cost_micros} is the spend as the calls recorded it,
 * {@code adjustment_micros} the sum of the cost adjustments of those calls (re-pricing; negative
 * when prices went down), {@code adjusted_cost_micros} their sum. Latency members are
 * null when there were no samples. A group by {@code key} (the key id) also names the key in
 * {@code key_name}. Stateless.
 */
final class UsageJson {

    private UsageJson() {
    }

    /**
     * The report; when groups have a {@code key} (an id), {@code keyNames} adds its name as
     * {@code key_name} next to it (null for an id no key has).
     */
    static ObjectNode report(UsageReport report, java.util.Map<String, String> keyNames,
            dev.tally.audit.adjust.UsageAdjustments adjustments, java.util.List<dev.tally.audit.query.GroupBy> groupBy) {
        ObjectNode root = JsonReply.object();
        stats(root.putObject("summary"), report.summary(), adjustments.totalMicros());
        ArrayNode groups = root.putArray("groups");
        for (UsageGroup group : report.groups()) {
            ObjectNode node = groups.addObject();
            ObjectNode values = node.putObject("group");
            group.group().forEach(values::put);
            if (group.group().containsKey("key")) {
                String id = group.group().get("key");
                values.put("key_name", id == null ? null : keyNames.get(id));
            }
            stats(node, group.stats(), adjustments.of(group, groupBy));
        }
        return root;
    }

    /** Puts the figures of {@code stats}, and {@code adjustmentMicros} of cost adjustments, into {@code node}. */
    static ObjectNode stats(ObjectNode node, UsageStats stats, long adjustmentMicros) {
        node.put("calls", stats.calls());
        node.put("success", stats.success());
        node.put("errors", stats.errors());
        node.put("refused", stats.refused());
        node.put("cancelled", stats.cancelled());
        node.put("interrupted", stats.interrupted());
        node.put("input_tokens", stats.inputTokens());
        node.put("cached_input_tokens", stats.cachedInputTokens());
        node.put("cache_write_tokens", stats.cacheWriteTokens());
        node.put("output_tokens", stats.outputTokens());
        node.put("reasoning_tokens", stats.reasoningTokens());
        node.put("cost_micros", stats.costMicros());
        node.put("adjustment_micros", adjustmentMicros);
        node.put("adjusted_cost_micros", Math.addExact(stats.costMicros(), adjustmentMicros));
        node.put("unpriced_calls", stats.unpricedCalls());
        latency(node.putObject("latency_ms"), stats.latencyMs());
        latency(node.putObject("ttft_ms"), stats.ttftMs());
        return node;
    }

    private static void latency(ObjectNode node, UsageStats.LatencyStats latency) {
        if (latency == null || latency.samples() == 0 || latency.avg() == null) {
            node.putNull("avg");
        } else {
            // One decimal is finer than any latency measurement here; longer tails are noise.
            node.put("avg", Math.round(latency.avg() * 10) / 10.0);
        }
        node.put("p50", latency == null ? null : latency.p50());
        node.put("p95", latency == null ? null : latency.p95());
        node.put("p99", latency == null ? null : latency.p99());
    }
}
