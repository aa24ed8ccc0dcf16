package dev.tally.audit.pricing;

import java.util.Objects;

/**
 * Rates that replace a version's base rates for calls whose prompt is larger than a threshold
 * (e.g. long-context pricing above 200,000 input tokens). The prompt size is the call's total
 * input, cache reads and writes included; a call above the threshold has <em>all</em> its tokens
 * priced at the tier's rates. Immutable and thread-safe.
 *
 * @param aboveInputTokens the tier applies when input tokens are strictly more than this
 * @param price the tier's rates, complete on their own (unset rates fall back within the tier)
 */
public record PriceTier(long aboveInputTokens, Price price) {

    public PriceTier {
        Objects.requireNonNull(price, "price");
        if (aboveInputTokens < 0) {
            throw new IllegalArgumentException("above_input_tokens: " + aboveInputTokens + " (expected: >= 0)");
        }
    }
}
