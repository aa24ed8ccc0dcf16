package dev.tally.audit.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns token counts into an exact cost with one price version.
 *
 * <h2>The computation</h2>
 * Prices are USD per million tokens and costs are micro-USD, so the two factors of a million
 * cancel: the exact cost in micro-USD of {@code n} tokens at rate {@code p} is {@code n × p}.
 * The rates are the version's base rates, or those of the highest prompt-size tier the call's
 * input is above ({@link PriceVersion#rates(long)}). A call's tokens split into disjoint
 * buckets, each counted once:
 * <pre>
 * text input      = input − cached − cache_write − audio_input − image_input   at input
 * cached input    = cached_input                              at cached_input
 * cache write 5m  = cache_write − cache_write_1h              at cache_write
 * cache write 1h  = cache_write_1h                            at cache_write_1h
 * audio input     = audio_input                               at audio_input
 * image input     = image_input                               at image_input
 * text output     = output − audio_output (reasoning included) at output
 * audio output    = audio_output                              at audio_output
 * </pre>
 * An unknown part ({@code null}) counts as none, so its tokens stay in the bucket it is part of
 * and are priced at that bucket's rate. Reasoning tokens are not a bucket of their own: they
 * are part of output and already priced there. The sum is then multiplied by the service tier's
 * multiplier ({@link PriceVersion#multiplier(String)}; 1 when unknown or not configured).
 *
 * <h2>Rounding</h2>
 * Buckets and multiplier are computed exactly in {@link BigDecimal} and the result is rounded
 * <em>once</em>, at the end, to whole micro-USD with {@link RoundingMode#HALF_EVEN} (banker's
 * rounding: ties go to the even neighbour, so rounding errors do not drift in one direction
 * when many costs are summed). No bucket is rounded on its own.
 *
 * <h2>No price, no cost</h2>
 * Usage whose input or output total is unknown has no cost: the result is empty, never 0, and
 * the record shows "unpriced" rather than "$0" ({@link PriceBook} also leaves a model without a
 * price in force unpriced).
 *
 * <p>Stateless and thread-safe.
 */
public final class CostCalculator {

    private CostCalculator() {
    }

    /**
     * The cost of {@code usage} at {@code version} in whole micro-USD, rounded once half-even;
     * empty when the usage's input or output total is unknown.
     *
     * @throws ArithmeticException when the cost exceeds {@link Long#MAX_VALUE} micro-USD
     */
    public static Optional<Long> micros(PriceVersion version, TokenUsage usage) {
        return exactMicros(version, usage).map(CostCalculator::round);
    }

    /** The unrounded cost at {@code version}: tier rates, bucket sum, service-tier multiplier. */
    public static Optional<BigDecimal> exactMicros(PriceVersion version, TokenUsage usage) {
        Objects.requireNonNull(version, "version");
        if (!usage.totalsKnown()) {
            return Optional.empty();
        }
        return exactMicros(version.rates(usage.input()), usage)
                .map(sum -> sum.multiply(version.multiplier(usage.serviceTier())));
    }

    /**
     * The cost of {@code usage} at the rates {@code price} (no tier, no multiplier) in whole
     * micro-USD, rounded once half-even; empty when the usage's input or output total is unknown.
     *
     * @throws ArithmeticException when the cost exceeds {@link Long#MAX_VALUE} micro-USD
     */
    public static Optional<Long> micros(Price price, TokenUsage usage) {
        return exactMicros(price, usage).map(CostCalculator::round);
    }

    /**
     * The unrounded cost in micro-USD at the rates {@code price}: the exact sum of tokens × rate
     * over the buckets; empty when the usage's input or output total is unknown.
     */
    public static Optional<BigDecimal> exactMicros(Price price, TokenUsage usage) {
        Objects.requireNonNull(price, "price");
        if (!usage.totalsKnown()) {
            return Optional.empty();
        }
        BigDecimal sum = times(usage.textInput(), price.input())
                .add(times(usage.cachedInput(), price.cachedInputOrInput()))
                .add(times(usage.cacheWrite5m(), price.cacheWriteOrInput()))
                .add(times(usage.cacheWrite1h(), price.cacheWrite1hOrCacheWrite()))
                .add(times(usage.audioInput(), price.audioInputOrInput()))
                .add(times(usage.imageInput(), price.imageInputOrInput()))
                .add(times(usage.textOutput(), price.output()))
                .add(times(usage.audioOutput(), price.audioOutputOrOutput()));
        return Optional.of(sum);
    }

    private static long round(BigDecimal exact) {
        return exact.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    private static BigDecimal times(Long tokens, BigDecimal usdPerMillion) {
        return tokens == null || tokens == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(tokens).multiply(usdPerMillion);
    }
}
