package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Worked examples; every expected number is computed by hand in the comment above it. */
class CostCalculatorTest {

    private static final Price GPT_4O = Price.perMillion("2.50", "10.00").withCachedInput("1.25");
    private static final Price SONNET = Price.perMillion("3", "15").withCachedInput("0.30").withCacheWrite("3.75");
    private static final Price O3_MINI = Price.perMillion("1.10", "4.40");
    private static final PriceBook BOOK = PriceBook.ofPrices(Map.of("gpt-4o", GPT_4O, "claude-sonnet", SONNET, "o3-mini", O3_MINI));
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static Optional<Cost> cost(String model, TokenUsage usage) {
        return BOOK.cost(model, usage, NOW);
    }

    private static String id(String model) {
        return BOOK.version(model, NOW).orElseThrow().id();
    }

    @Test
    void openAiCachedTokensArePricedAtTheCachedPrice() {
        // prompt 1000 of which 400 cached, completion 500:
        // 600 × 2.50 + 400 × 1.25 + 500 × 10 = 1500 + 500 + 5000 = 7000 micro-USD
        TokenUsage usage = TokenUsage.fromOpenAiChat(1_000L, 500L, 400L, null);

        assertThat(cost("gpt-4o", usage)).contains(new Cost(7_000L, id("gpt-4o")));
    }

    @Test
    void anthropicUsageIsNormalisedBeforePricing() {
        // input_tokens 100 (uncached), cache write 2000, cache read 5000, output 300:
        // 100 × 3 + 2000 × 3.75 + 5000 × 0.30 + 300 × 15 = 300 + 7500 + 1500 + 4500 = 13800
        TokenUsage usage = TokenUsage.fromAnthropic(100L, 300L, 2_000L, 5_000L);

        assertThat(cost("claude-sonnet", usage)).contains(new Cost(13_800L, id("claude-sonnet")));
    }

    @Test
    void reasoningTokensArePricedOnceAsOutput() {
        // prompt 200, completion 1000 of which 800 reasoning: 200 × 1.10 + 1000 × 4.40 = 220 + 4400 = 4620
        // (adding the reasoning again would give 8140)
        TokenUsage usage = TokenUsage.fromOpenAiChat(200L, 1_000L, null, 800L);

        assertThat(cost("o3-mini", usage).map(Cost::micros)).contains(4_620L);
    }

    @Test
    void unsetCachePricesFallBackToTheInputPrice() {
        // o3-mini has no cached price: 1000 × 1.10 + 0 × 4.40 = 1100, whatever the cached share
        assertThat(cost("o3-mini", TokenUsage.fromOpenAiChat(1_000L, 0L, 900L, null)).map(Cost::micros))
                .contains(1_100L);
    }

    @Test
    void roundingIsHalfEvenAndHappensOnceAtTheEnd() {
        Price half = Price.perMillion("0.5", "0.5");
        // 1 × 0.5 = 0.5 → 0 (tie to even); 3 × 0.5 = 1.5 → 2; 5 × 0.5 = 2.5 → 2
        assertThat(CostCalculator.micros(half, new TokenUsage(1L, null, null, 0L, null))).contains(0L);
        assertThat(CostCalculator.micros(half, new TokenUsage(3L, null, null, 0L, null))).contains(2L);
        assertThat(CostCalculator.micros(half, new TokenUsage(5L, null, null, 0L, null))).contains(2L);
        // 1 input + 1 output = 0.5 + 0.5 = 1.0 → 1; rounding each bucket first would give 0 + 0 = 0
        assertThat(CostCalculator.micros(half, new TokenUsage(1L, null, null, 1L, null))).contains(1L);
        // 7 × 0.123456 = 0.864192 → 1
        assertThat(CostCalculator.micros(Price.perMillion("0.123456", "0"), new TokenUsage(7L, null, null, 0L, null)))
                .contains(1L);
    }

    @Test
    void aModelWithoutAPriceHasNoCostRatherThanZero() {
        assertThat(cost("unknown-model", TokenUsage.fromOpenAiChat(10L, 10L, null, null))).isEmpty();
        assertThat(cost(null, TokenUsage.fromOpenAiChat(10L, 10L, null, null))).isEmpty();
    }

    @Test
    void unknownTotalsHaveNoCostRatherThanZero() {
        assertThat(cost("gpt-4o", TokenUsage.UNKNOWN)).isEmpty();
        assertThat(cost("gpt-4o", new TokenUsage(10L, null, null, null, null))).isEmpty();
        assertThat(cost("gpt-4o", new TokenUsage(null, null, null, 10L, null))).isEmpty();
    }

    @Test
    void aFreeModelCostsAKnownZero() {
        PriceBook free = PriceBook.ofPrices(Map.of("local", Price.perMillion("0", "0")));

        assertThat(free.cost("local", TokenUsage.fromOpenAiChat(10L, 10L, null, null), NOW))
                .contains(new Cost(0L, free.version("local", NOW).orElseThrow().id()));
    }

    @Test
    void embeddingsArePricedOnInputAlone() {
        // 12345 × 0.02 = 246.9 → 247
        PriceBook book = PriceBook.ofPrices(Map.of("embed", Price.perMillion("0.02", "0")));

        assertThat(book.cost("embed", TokenUsage.fromOpenAiEmbeddings(12_345L), NOW).map(Cost::micros))
                .contains(247L);
    }

    @Test
    void aCostTooLargeForALongIsAnErrorNotAWrongNumber() {
        Price expensive = Price.perMillion("1000000", "0");

        assertThatThrownBy(() -> CostCalculator.micros(expensive, new TokenUsage(Long.MAX_VALUE, null, null, 0L, null)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void costCarriesTheTableVersionIntoTheRecord() {
        Cost cost = new Cost(7_000L, "p-0123456789ab");

        var record = cost.applyTo(dev.tally.audit.entry.CallRecord.builder()
                .id("0190a0b0-0000-7000-8000-000000000001")
                .startedAt(java.time.Instant.parse("2026-01-01T00:00:00Z"))
                .status(dev.tally.audit.entry.CallStatus.SUCCESS)).build();

        assertThat(record.costMicros()).isEqualTo(7_000L);
        assertThat(record.priceId()).isEqualTo("p-0123456789ab");
        assertThatThrownBy(() -> new Cost(-1L, "p"))
                .hasMessage("cost_micros: -1 (expected: >= 0)");
    }
}
