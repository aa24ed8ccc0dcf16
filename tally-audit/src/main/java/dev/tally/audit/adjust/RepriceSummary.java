package dev.tally.audit.adjust;

import java.util.List;

/**
 * What a re-pricing run did (or, dry, would do). Immutable.
 *
 * @param request what was asked
 * @param priceId the price version id of the last new adjustment (each adjustment names its own)
 * @param seen call records of the model in the range
 * @param adjusted calls whose effective cost changed: one adjustment each (appended unless dry)
 * @param fromUnpriced of {@code adjusted}, the calls that were unpriced and now have a cost
 * @param unchanged calls whose effective cost already is the current one
 * @param unpriced calls without a cost before and still without one (no price, or unknown tokens)
 * @param keptPriced calls that had a cost but have none at the current prices (the model's price
 *     was removed): left as they are, since "unpriced" is not a cost to adjust to
 * @param deltaMicros the sum of the adjustments' deltas, micro-USD
 * @param transactions store transactions the adjustments were written in (0 when dry)
 * @param sample the first adjustments, at most {@value Repricer#SAMPLE}
 */
public record RepriceSummary(RepriceRequest request, String priceId, long seen, long adjusted, long fromUnpriced,
        long unchanged, long unpriced, long keptPriced, long deltaMicros, long transactions,
        List<CostAdjustment> sample) {

    public RepriceSummary {
        sample = List.copyOf(sample);
    }
}
