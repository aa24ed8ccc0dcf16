package dev.tally.audit.query;

/**
 * Aggregated figures for one group (or the summary) of a usage report. Token and cost sums
 * count only records where the value is known; {@code unpricedCalls} counts calls whose cost
 * is absent, so a sum of zero is never mistaken for "free".
 */
public record UsageStats(
        long calls,
        long success,
        long errors,
        long refused,
        long cancelled,
        long interrupted,
        long inputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long outputTokens,
        long reasoningTokens,
        long costMicros,
        long unpricedCalls,
        LatencyStats latencyMs,
        LatencyStats ttftMs) {

    /**
     * Latency figures in milliseconds; all null when there were no samples. Percentiles come
     * from a mergeable log-bucket histogram and are exact to within its bucket width
     * (see {@link dev.tally.audit.rollup.LatencyHistogram}).
     */
    public record LatencyStats(Double avg, Long p50, Long p95, Long p99, long samples) {
    }
}
