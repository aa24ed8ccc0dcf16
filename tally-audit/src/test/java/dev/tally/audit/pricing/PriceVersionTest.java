package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceVersionTest {

    private static final Price GPT = Price.perMillion("2.50", "10").withCachedInput("1.25");
    private static final Price CLAUDE = Price.perMillion("3", "15").withCachedInput("0.30").withCacheWrite("3.75")
            .withCacheWrite1h("6");
    private static final Instant JUNE = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void priceIdIsAShortHashOfTheCanonicalListing() {
        PriceVersion version = PriceVersion.of("claude-sonnet", JUNE, CLAUDE,
                List.of(new PriceTier(200_000, Price.perMillion("6", "22.50"))), Map.of("batch", new BigDecimal("0.50")));

        assertThat(version.canonicalListing()).isEqualTo("""
                tally-price-v2
                model\tclaude-sonnet
                from\t2026-06-01T00:00:00Z
                rates\t3\t0.3\t3.75\t6\t15\t3\t15\t3
                tier\t200000\t6\t6\t6\t6\t22.5\t6\t22.5\t6
                service_tier\tbatch\t0.5
                """);
        assertThat(version.id()).matches("p-[0-9a-f]{12}");
    }

    @Test
    void aSinglePriceListsSinceEverWithItsFallbacksResolved() {
        assertThat(PriceVersion.always("gpt-4o", GPT).canonicalListing()).isEqualTo("""
                tally-price-v2
                model\tgpt-4o
                from\t-
                rates\t2.5\t1.25\t2.5\t2.5\t10\t2.5\t10\t2.5
                """);
    }

    @Test
    void priceIdIgnoresTrailingZerosAndUnsetRatesThatFallBack() {
        Price implicit = Price.perMillion("2", "8");
        Price explicit = Price.perMillion("2.00", "8.0").withCachedInput("2").withCacheWrite("2.0").withCacheWrite1h("2")
                .withAudioInput("2").withAudioOutput("8").withImageInput("2.000");

        assertThat(PriceVersion.always("m", implicit).id()).isEqualTo(PriceVersion.always("m", explicit).id());
    }

    @Test
    void anyChangeOfTheVersionGivesANewIdAndOtherModelsDoNotMatter() {
        String base = PriceVersion.always("m", GPT).id();

        assertThat(PriceVersion.always("m", GPT.withCachedInput("1.26")).id()).isNotEqualTo(base);
        assertThat(PriceVersion.always("m", GPT.withAudioOutput("80")).id()).isNotEqualTo(base);
        assertThat(PriceVersion.always("m2", GPT).id()).isNotEqualTo(base);
        assertThat(PriceVersion.of("m", JUNE, GPT, List.of(), Map.of()).id()).isNotEqualTo(base);
        assertThat(PriceVersion.of("m", null, GPT, List.of(), Map.of("flex", new BigDecimal("0.5"))).id()).isNotEqualTo(base);
        assertThat(PriceVersion.of("m", null, GPT, List.of(new PriceTier(10, GPT)), Map.of()).id()).isNotEqualTo(base);
        // Another model's price is in the same book but not in this version's id.
        PriceBook book = PriceBook.ofPrices(Map.of("m", GPT, "other", CLAUDE));
        assertThat(book.version("m", JUNE).orElseThrow().id()).isEqualTo(base);
    }

    @Test
    void anExplicitIdIsKeptAndChecked() {
        assertThat(PriceVersion.always("m", GPT).withId("openai-2026-01").id()).isEqualTo("openai-2026-01");
        assertThatThrownBy(() -> PriceVersion.always("m", GPT).withId(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("price_id: ' ' (expected: 1..64 printable characters)");
    }

    @Test
    void tiersMustBeStrictlyIncreasingAndMultipliersPositive() {
        assertThatThrownBy(() -> PriceVersion.of("m", null, GPT,
                List.of(new PriceTier(200_000, GPT), new PriceTier(200_000, GPT)), Map.of()))
                .hasMessage("tiers[1].above_input_tokens: 200000 (expected: more than tiers[0].above_input_tokens 200000)");
        assertThatThrownBy(() -> PriceVersion.of("m", null, GPT, List.of(), Map.of("flex", BigDecimal.ZERO)))
                .hasMessage("service_tiers.flex: 0 (expected: a multiplier > 0)");
        assertThatThrownBy(() -> new PriceTier(-1, GPT)).hasMessage("above_input_tokens: -1 (expected: >= 0)");
    }

    @Test
    void modelNamesThatWouldBreakTheListingAreRejected() {
        assertThatThrownBy(() -> PriceVersion.always("a\tb", GPT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model: 'a\tb'");
    }

    @Test
    void theRatesInForceDependOnThePromptSize() {
        Price long_ = Price.perMillion("6", "22.5");
        Price huge = Price.perMillion("9", "30");
        PriceVersion v = PriceVersion.of("m", null, GPT, List.of(new PriceTier(200_000, long_), new PriceTier(1_000_000, huge)),
                Map.of());

        assertThat(v.rates(200_000)).isEqualTo(GPT);
        assertThat(v.rates(200_001)).isEqualTo(long_);
        assertThat(v.rates(1_000_000)).isEqualTo(long_);
        assertThat(v.rates(1_000_001)).isEqualTo(huge);
    }

    @Test
    void ratesFallBackToTheBucketTheyArePartOf() {
        Price price = Price.perMillion("2", "8").withCacheWrite("2.5");

        assertThat(price.cachedInputOrInput()).isEqualByComparingTo("2");
        assertThat(price.cacheWriteOrInput()).isEqualByComparingTo("2.5");
        assertThat(price.cacheWrite1hOrCacheWrite()).isEqualByComparingTo("2.5");
        assertThat(price.audioInputOrInput()).isEqualByComparingTo("2");
        assertThat(price.imageInputOrInput()).isEqualByComparingTo("2");
        assertThat(price.audioOutputOrOutput()).isEqualByComparingTo("8");
    }

    @Test
    void negativeOrMalformedPricesAreRejected() {
        assertThatThrownBy(() -> Price.perMillion("-1", "2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input: -1 (expected: >= 0 USD per million tokens)");
        assertThatThrownBy(() -> Price.perMillion("1", "two"))
                .hasMessage("output: 'two' (expected: a decimal USD per million tokens)");
        assertThatThrownBy(() -> new Price(BigDecimal.ONE, new BigDecimal("-0.1"), null, BigDecimal.ONE))
                .hasMessage("cached_input: -0.1 (expected: >= 0 USD per million tokens)");
        assertThatThrownBy(() -> Price.perMillion("1", "1").withAudioInput("-2"))
                .hasMessage("audio_input: -2 (expected: >= 0 USD per million tokens)");
    }
}
