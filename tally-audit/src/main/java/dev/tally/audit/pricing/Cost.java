package dev.tally.audit.pricing;

import dev.tally.audit.entry.CallRecord;
import java.util.Objects;

/**
 * The exact cost of one call and the price version that produced it; the pair becomes a
 * record's {@code cost_micros} and {@code price_id}. A call that cannot be priced has no
 * {@code Cost} at all (never a zero one).
 *
 * <p>Immutable and thread-safe.
 *
 * @param micros cost in micro-USD (1 USD = 1,000,000), rounded once (see {@link CostCalculator})
 * @param priceId the {@link PriceVersion#id()} of the price version used
 */
public record Cost(long micros, String priceId) {

    public Cost {
        Objects.requireNonNull(priceId, "price_id");
        if (micros < 0) {
            throw new IllegalArgumentException("cost_micros: " + micros + " (expected: >= 0)");
        }
    }

    /** Copies cost and price id into the record being built. */
    public CallRecord.Builder applyTo(CallRecord.Builder builder) {
        return builder.costMicros(micros).priceId(priceId);
    }
}
