package dev.tally.audit.rollup;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.UsageStats;

/**
 * Running totals over a set of call records: the measures of one rollup row, and of one group
 * of a usage report while it is being built. Raw records and stored rollup rows add up through
 * the same code, so a report mixing both is consistent.
 *
 * <p>Unknown values are never counted as zero: token sums add only known values, a call with
 * no cost counts in {@code unpricedCalls} instead of adding 0 to {@code costMicros}, and a call
 * with no duration or ttft adds no latency sample. Token parts (cached input, cache write,
 * reasoning) are summed on their own and never added to the totals they are part of.
 *
 * <p>Not thread-safe.
 */
public final class UsageTotals {

    private static final CallStatus[] STATUSES = CallStatus.values();

    long calls;
    final long[] byStatus = new long[STATUSES.length];
    long inputTokens;
    long cachedInputTokens;
    long cacheWriteTokens;
    long outputTokens;
    long reasoningTokens;
    long costMicros;
    long unpricedCalls;
    final LatencyHistogram latency = new LatencyHistogram();
    final LatencyHistogram ttft = new LatencyHistogram();

    /** Adds one call record. */
    public void add(CallRecord record) {
        addCall(record.status(), record.inputTokens(), record.cachedInputTokens(), record.cacheWriteTokens(),
                record.outputTokens(), record.reasoningTokens(), record.costMicros(), record.durationMs(),
                record.ttftMs());
    }

    /**
     * Adds one call record whose latency and ttft buckets are known ({@link LatencyHistogram#bucketOf};
     * ignored when the value is absent).
     */
    void add(CallRecord record, int latencyBucket, int ttftBucket) {
        calls++;
        byStatus[record.status().ordinal()]++;
        inputTokens += orZero(record.inputTokens());
        cachedInputTokens += orZero(record.cachedInputTokens());
        cacheWriteTokens += orZero(record.cacheWriteTokens());
        outputTokens += orZero(record.outputTokens());
        reasoningTokens += orZero(record.reasoningTokens());
        if (record.costMicros() == null) {
            unpricedCalls++;
        } else {
            costMicros += record.costMicros();
        }
        if (record.durationMs() != null) {
            latency.record(record.durationMs(), latencyBucket);
        }
        if (record.ttftMs() != null) {
            ttft.record(record.ttftMs(), ttftBucket);
        }
    }

    /**
     * Adds one call given by its measures; null is unknown (a null cost counts as unpriced, a
     * null duration or ttft adds no sample).
     */
    public void addCall(CallStatus status, Long inputTokens, Long cachedInputTokens, Long cacheWriteTokens,
            Long outputTokens, Long reasoningTokens, Long costMicros, Long durationMs, Long ttftMs) {
        calls++;
        byStatus[status.ordinal()]++;
        this.inputTokens += orZero(inputTokens);
        this.cachedInputTokens += orZero(cachedInputTokens);
        this.cacheWriteTokens += orZero(cacheWriteTokens);
        this.outputTokens += orZero(outputTokens);
        this.reasoningTokens += orZero(reasoningTokens);
        if (costMicros == null) {
            unpricedCalls++;
        } else {
            this.costMicros += costMicros;
        }
        if (durationMs != null) {
            latency.record(durationMs);
        }
        if (ttftMs != null) {
            ttft.record(ttftMs);
        }
    }

    /**
     * Adds a stored rollup row: {@code calls} calls that all ended with {@code status}.
     *
     * @param latencyHistogram the row's latency histogram bytes, or null when it had no samples
     * @param ttftHistogram the row's ttft histogram bytes, or null
     */
    public void addRow(CallStatus status, long calls, long inputTokens, long cachedInputTokens, long cacheWriteTokens,
            long outputTokens, long reasoningTokens, long costMicros, long unpricedCalls, byte[] latencyHistogram,
            byte[] ttftHistogram) {
        this.calls += calls;
        byStatus[status.ordinal()] += calls;
        this.inputTokens += inputTokens;
        this.cachedInputTokens += cachedInputTokens;
        this.cacheWriteTokens += cacheWriteTokens;
        this.outputTokens += outputTokens;
        this.reasoningTokens += reasoningTokens;
        this.costMicros += costMicros;
        this.unpricedCalls += unpricedCalls;
        latency.mergeBytes(latencyHistogram);
        ttft.mergeBytes(ttftHistogram);
    }

    /** Adds everything in {@code other}. */
    public void add(UsageTotals other) {
        combine(other, 1);
    }

    /** Removes {@code other}, a part of what was added to this. */
    public void subtract(UsageTotals other) {
        combine(other, -1);
    }

    private void combine(UsageTotals other, int sign) {
        calls += sign * other.calls;
        for (int i = 0; i < byStatus.length; i++) {
            byStatus[i] += sign * other.byStatus[i];
        }
        inputTokens += sign * other.inputTokens;
        cachedInputTokens += sign * other.cachedInputTokens;
        cacheWriteTokens += sign * other.cacheWriteTokens;
        outputTokens += sign * other.outputTokens;
        reasoningTokens += sign * other.reasoningTokens;
        costMicros += sign * other.costMicros;
        unpricedCalls += sign * other.unpricedCalls;
        if (sign > 0) {
            latency.merge(other.latency);
            ttft.merge(other.ttft);
        } else {
            latency.subtract(other.latency);
            ttft.subtract(other.ttft);
        }
    }

    public long calls() {
        return calls;
    }

    public long inputTokens() {
        return inputTokens;
    }

    public long cachedInputTokens() {
        return cachedInputTokens;
    }

    public long cacheWriteTokens() {
        return cacheWriteTokens;
    }

    public long outputTokens() {
        return outputTokens;
    }

    public long reasoningTokens() {
        return reasoningTokens;
    }

    public long costMicros() {
        return costMicros;
    }

    public long unpricedCalls() {
        return unpricedCalls;
    }

    /** The latency (duration_ms) histogram; live, not a copy. */
    public LatencyHistogram latency() {
        return latency;
    }

    /** The time-to-first-token histogram; live, not a copy. */
    public LatencyHistogram ttft() {
        return ttft;
    }

    /** The figures as reported by the usage API. */
    public UsageStats toStats() {
        return new UsageStats(calls, status(CallStatus.SUCCESS), status(CallStatus.ERROR), status(CallStatus.REFUSED),
                status(CallStatus.CANCELLED), status(CallStatus.INTERRUPTED), inputTokens, cachedInputTokens,
                cacheWriteTokens, outputTokens, reasoningTokens, costMicros, unpricedCalls, latencyStats(latency),
                latencyStats(ttft));
    }

    /** Calls that ended with {@code status}. */
    public long statusCalls(CallStatus status) {
        return byStatus[status.ordinal()];
    }

    /**
     * Moves {@code calls} of this row's calls, counted under {@code from} by {@link #addRow}, to
     * {@code to}: for rows that keep counts per status in columns instead of a key.
     */
    public void recount(CallStatus from, CallStatus to, long calls) {
        byStatus[from.ordinal()] -= calls;
        byStatus[to.ordinal()] += calls;
    }

    private long status(CallStatus status) {
        return byStatus[status.ordinal()];
    }

    private static UsageStats.LatencyStats latencyStats(LatencyHistogram h) {
        if (h.count() == 0) {
            return new UsageStats.LatencyStats(null, null, null, null, 0);
        }
        return new UsageStats.LatencyStats((double) h.sum() / h.count(), h.percentile(0.50), h.percentile(0.95),
                h.percentile(0.99), h.count());
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
