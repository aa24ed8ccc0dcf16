package dev.tally.audit.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The price of one model, in US dollars per million tokens, per token bucket.
 *
 * <p>Cached input and cache writes are optional: a provider without prompt caching, or a
 * configuration that does not say, prices them like ordinary input ({@link #cachedInputOrInput()},
 * {@link #cacheWriteOrInput()}). Reasoning tokens have no price of their own: they are output
 * and are billed as output.
 *
 * <p>Immutable and thread-safe.
 *
 * @param input USD per million uncached input tokens; required
 * @param cachedInput USD per million input tokens read from cache; {@code null} = same as input
 * @param cacheWrite USD per million input tokens written to cache; {@code null} = same as input
 * @param output USD per million output tokens, reasoning included; required
 * @throws IllegalArgumentException when a price is negative
 */
public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {

    public Price {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        requireNotNegative("input", input);
        requireNotNegative("cached_input", cachedInput);
        requireNotNegative("cache_write", cacheWrite);
        requireNotNegative("output", output);
    }

    /** A price with only input and output set, e.g. {@code perMillion("2.50", "10")}. */
    public static Price perMillion(String input, String output) {
        return new Price(parse("input", input), null, null, parse("output", output));
    }

    /** This price with the cached-input price set. */
    public Price withCachedInput(String usdPerMillion) {
        return new Price(input, parse("cached_input", usdPerMillion), cacheWrite, output);
    }

    /** This price with the cache-write price set. */
    public Price withCacheWrite(String usdPerMillion) {
        return new Price(input, cachedInput, parse("cache_write", usdPerMillion), output);
    }

    /** The price of a cached input token, falling back to the input price. */
    public BigDecimal cachedInputOrInput() {
        return cachedInput == null ? input : cachedInput;
    }

    /** The price of a cache-write token, falling back to the input price. */
    public BigDecimal cacheWriteOrInput() {
        return cacheWrite == null ? input : cacheWrite;
    }

    private static BigDecimal parse(String field, String value) {
        Objects.requireNonNull(value, field);
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + value + "' (expected: a decimal USD per million tokens)", e);
        }
    }

    private static void requireNotNegative(String field, BigDecimal value) {
        if (value != null && value.signum() < 0) {
            throw new IllegalArgumentException(field + ": " + value.toPlainString() + " (expected: >= 0 USD per million tokens)");
        }
    }
}
