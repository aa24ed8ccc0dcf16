package dev.tally.gateway.organization;

import dev.tally.audit.query.UsageStats;

/**
 * What one result adds up: requests the gateway forwarded, the token sums and the cost. Token
 * counts are Tally's (input includes cache reads and writes, output includes reasoning), summed
 * over the calls whose counts are known; the cost sums priced calls only, plus (in costs) the
 * cost adjustments of the calls counted. Immutable.
 *
 * @param requests calls the gateway did not refuse itself (it forwarded them, or tried to)
 * @param input input tokens, cache reads and writes included
 * @param cachedInput input tokens read from the provider's cache
 * @param cacheWrite input tokens written to the provider's cache
 * @param output output tokens
 * @param costMicros cost in micro-USD (adjusted, in costs)
 */
record Measures(long requests, long input, long cachedInput, long cacheWrite, long output, long costMicros) {

    static final Measures ZERO = new Measures(0, 0, 0, 0, 0, 0);

    /** The measures of a report group. */
    static Measures of(UsageStats s) {
        return new Measures(s.calls() - s.refused(), s.inputTokens(), s.cachedInputTokens(), s.cacheWriteTokens(),
                s.outputTokens(), s.costMicros());
    }

    /** These measures with {@code adjustmentMicros} of cost adjustments added to the cost. */
    Measures adjusted(long adjustmentMicros) {
        return adjustmentMicros == 0 ? this
                : new Measures(requests, input, cachedInput, cacheWrite, output, Math.addExact(costMicros, adjustmentMicros));
    }

    Measures plus(Measures o) {
        return new Measures(requests + o.requests, input + o.input, cachedInput + o.cachedInput,
                cacheWrite + o.cacheWrite, output + o.output, costMicros + o.costMicros);
    }

    /** Whether nothing was counted (a group of refused calls only). */
    boolean isEmpty() {
        return equals(ZERO);
    }

    /**
     * Input tokens neither read from nor written to the cache. Never negative: a call whose total
     * was unknown but whose parts were reported adds parts without a total.
     */
    long uncachedInput() {
        return Math.max(0, input - cachedInput - cacheWrite);
    }
}
