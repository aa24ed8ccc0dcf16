package dev.tally.audit.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns token counts into an exact cost with one {@link PriceTable}.
 *
 * <h2>The computation</h2>
 * Prices are USD per million tokens and costs are micro-USD, so the two factors of a million
 * cancel: the exact cost in micro-USD of {@code n} tokens at price {@code p} is {@code n × p}.
 * A call's input splits into three disjoint buckets, each counted once:
 * <pre>
 * uncached input = input − cached_input − cache_write   at the input price
 * cached input   = cached_input                         at the cached-input price
 * cache write    = cache_write                          at the cache-write price
 * output         = output (reasoning included)          at the output price
 * </pre>
 * An unknown part ({@code null}) counts as none, so its tokens stay in the uncached bucket and
 * are priced as ordinary input. Reasoning tokens are not a bucket of their own: they are part
 * of output and already priced there.
 *
 * <h2>Rounding</h2>
 * The four products are summed exactly in {@link BigDecimal} and the sum is rounded
 * <em>once</em>, at the end, to whole micro-USD with {@link RoundingMode#HALF_EVEN} (banker's
 * rounding: ties go to the even neighbour, so rounding errors do not drift in one direction
 * when many costs are summed). No bucket is rounded on its own.
 *
 * <h2>No price, no cost</h2>
 * A model without a price, or usage whose input or output total is unknown, has no cost:
 * the result is empty, never 0, and the record shows "unpriced" rather than "$0".
 *
 * <p>Immutable and thread-safe.
 */
public final class CostCalculator {

    private final PriceTable table;

    public CostCalculator(PriceTable table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    /** The table whose prices and version id this calculator uses. */
    public PriceTable table() {
        return table;
    }

    /**
     * The cost of {@code usage} on {@code model}: empty when the model has no price or the
     * usage's input or output total is unknown.
     *
     * @throws ArithmeticException when the cost exceeds {@link Long#MAX_VALUE} micro-USD
     */
    public Optional<Cost> cost(String model, TokenUsage usage) {
        Objects.requireNonNull(usage, "usage");
        return table.price(model)
                .flatMap(price -> micros(price, usage))
                .map(micros -> new Cost(micros, table.priceId()));
    }

    /**
     * The cost of {@code usage} at {@code price} in whole micro-USD, rounded once half-even;
     * empty when the usage's input or output total is unknown.
     *
     * @throws ArithmeticException when the cost exceeds {@link Long#MAX_VALUE} micro-USD
     */
    public static Optional<Long> micros(Price price, TokenUsage usage) {
        return exactMicros(price, usage).map(exact -> exact.setScale(0, RoundingMode.HALF_EVEN).longValueExact());
    }

    /**
     * The unrounded cost in micro-USD: the exact sum of tokens × price over the four buckets;
     * empty when the usage's input or output total is unknown.
     */
    public static Optional<BigDecimal> exactMicros(Price price, TokenUsage usage) {
        Objects.requireNonNull(price, "price");
        if (!usage.totalsKnown()) {
            return Optional.empty();
        }
        BigDecimal sum = times(usage.uncachedInput(), price.input())
                .add(times(usage.cachedInput(), price.cachedInputOrInput()))
                .add(times(usage.cacheWrite(), price.cacheWriteOrInput()))
                .add(times(usage.output(), price.output()));
        return Optional.of(sum);
    }

    private static BigDecimal times(Long tokens, BigDecimal usdPerMillion) {
        return tokens == null ? BigDecimal.ZERO : BigDecimal.valueOf(tokens).multiply(usdPerMillion);
    }
}
