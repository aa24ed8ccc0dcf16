package dev.tally.cli.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.adjust.UsageAdjustments;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.query.UsageStats.LatencyStats;
import dev.tally.audit.query.UsageStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A usage report and its JSON, both ways, in the shape of {@code GET /v1/admin/usage}
 * (DESIGN.md section 4):
 * <pre>
 * {"summary":{"calls":…,…},
 *  "groups":[{"group":{"model":"gpt-4o",…},"calls":…,"success":…,"errors":…,"refused":…,"cancelled":…,
 *             "interrupted":…,"input_tokens":…,"cached_input_tokens":…,"cache_write_tokens":…,
 *             "output_tokens":…,"reasoning_tokens":…,"cost_micros":…,"adjustment_micros":…,
 *             "adjusted_cost_micros":…,"unpriced_calls":…,
 *             "latency_ms":{"avg":…,"p50":…,"p95":…,"p99":…},"ttft_ms":{…}}]}
 * </pre>
 * A group by {@code key} also has {@code key_name}. Reading is lenient about figures the gateway
 * leaves out (0, or null for latencies); writing always writes every field, the average latency
 * to one decimal and null latencies when there was no sample, byte for byte as the admin API
 * does. Stateless.
 */
public final class UsageJson {

    private UsageJson() {
    }

    /** Reads a report. */
    public static UsageReport report(JsonNode node) {
        UsageStats summary = stats(node.path("summary"));
        List<UsageGroup> groups = new ArrayList<>();
        for (JsonNode g : node.path("groups")) {
            Map<String, String> group = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = g.path("group").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                group.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
            }
            groups.add(new UsageGroup(group, stats(g)));
        }
        return new UsageReport(summary, groups);
    }

    private static UsageStats stats(JsonNode n) {
        return new UsageStats(n.path("calls").asLong(), n.path("success").asLong(), n.path("errors").asLong(),
                n.path("refused").asLong(), n.path("cancelled").asLong(), n.path("interrupted").asLong(),
                n.path("input_tokens").asLong(), n.path("cached_input_tokens").asLong(),
                n.path("cache_write_tokens").asLong(), n.path("output_tokens").asLong(),
                n.path("reasoning_tokens").asLong(), n.path("cost_micros").asLong(), n.path("unpriced_calls").asLong(),
                latency(n.path("latency_ms")), latency(n.path("ttft_ms")));
    }

    private static LatencyStats latency(JsonNode n) {
        Double avg = n.hasNonNull("avg") ? n.get("avg").asDouble() : null;
        Long p50 = n.hasNonNull("p50") ? n.get("p50").asLong() : null;
        Long p95 = n.hasNonNull("p95") ? n.get("p95").asLong() : null;
        Long p99 = n.hasNonNull("p99") ? n.get("p99").asLong() : null;
        return new LatencyStats(avg, p50, p95, p99, n.path("samples").asLong());
    }

    /** Reads the {@code adjustment_micros} of a report's summary and groups (0 where absent). */
    public static UsageAdjustments adjustments(JsonNode node, List<GroupBy> groupBy) {
        Map<List<String>, Long> byGroup = new HashMap<>();
        for (JsonNode g : node.path("groups")) {
            List<String> key = new ArrayList<>(groupBy.size());
            for (GroupBy d : groupBy) {
                JsonNode value = g.path("group").path(d.wireName());
                key.add(value.isMissingNode() || value.isNull() ? null : value.asText());
            }
            byGroup.put(key, g.path("adjustment_micros").asLong());
        }
        return new UsageAdjustments(node.path("summary").path("adjustment_micros").asLong(), byGroup);
    }

    /** Writes a report with its cost adjustments, as the admin API does. */
    public static Map<String, Object> toJson(UsageReport report, UsageAdjustments adjustments, List<GroupBy> groupBy) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("summary", stats(report.summary(), adjustments.totalMicros()));
        List<Object> groups = new ArrayList<>();
        for (UsageGroup g : report.groups()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("group", g.group());
            node.putAll(stats(g.stats(), adjustments.of(g, groupBy)));
            groups.add(node);
        }
        root.put("groups", groups);
        return root;
    }

    private static Map<String, Object> stats(UsageStats s, long adjustmentMicros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", s.calls());
        m.put("success", s.success());
        m.put("errors", s.errors());
        m.put("refused", s.refused());
        m.put("cancelled", s.cancelled());
        m.put("interrupted", s.interrupted());
        m.put("input_tokens", s.inputTokens());
        m.put("cached_input_tokens", s.cachedInputTokens());
        m.put("cache_write_tokens", s.cacheWriteTokens());
        m.put("output_tokens", s.outputTokens());
        m.put("reasoning_tokens", s.reasoningTokens());
        m.put("cost_micros", s.costMicros());
        m.put("adjustment_micros", adjustmentMicros);
        m.put("adjusted_cost_micros", s.costMicros() + adjustmentMicros);
        m.put("unpriced_calls", s.unpricedCalls());
        m.put("latency_ms", latency(s.latencyMs()));
        m.put("ttft_ms", latency(s.ttftMs()));
        return m;
    }

    private static Map<String, Object> latency(LatencyStats l) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean none = l == null || l.avg() == null || (l.samples() == 0 && l.p50() == null);
        // One decimal, as the admin API writes it: finer than any latency measured here.
        m.put("avg", none ? null : Math.round(l.avg() * 10) / 10.0);
        m.put("p50", l == null ? null : l.p50());
        m.put("p95", l == null ? null : l.p95());
        m.put("p99", l == null ? null : l.p99());
        return m;
    }
}
