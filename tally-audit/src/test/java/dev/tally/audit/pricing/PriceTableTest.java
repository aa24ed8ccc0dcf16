package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    private static final Price GPT = Price.perMillion("2.50", "10").withCachedInput("1.25");
    private static final Price CLAUDE = Price.perMillion("3", "15").withCachedInput("0.30").withCacheWrite("3.75");

    @Test
    void priceIdIsAShortHashOfTheCanonicalListing() {
        PriceTable table = PriceTable.of(Map.of("gpt-4o", GPT, "claude-sonnet", CLAUDE));

        assertThat(table.canonicalListing()).isEqualTo("""
                tally-prices-v1
                claude-sonnet\t3\t0.3\t3.75\t15
                gpt-4o\t2.5\t1.25\t2.5\t10
                """);
        assertThat(table.priceId()).matches("p-[0-9a-f]{12}");
    }

    @Test
    void priceIdIgnoresInsertionOrderAndTrailingZeros() {
        Map<String, Price> one = new LinkedHashMap<>();
        one.put("a", GPT);
        one.put("b", CLAUDE);
        Map<String, Price> other = new LinkedHashMap<>();
        other.put("b", Price.perMillion("3.000", "15.0").withCachedInput("0.3").withCacheWrite("3.750"));
        other.put("a", Price.perMillion("2.5", "10.00").withCachedInput("1.250"));

        assertThat(PriceTable.of(one).priceId()).isEqualTo(PriceTable.of(other).priceId());
    }

    @Test
    void anUnsetCachePriceListsAsTheInputPrice() {
        Price implicit = Price.perMillion("2", "8");
        Price explicit = Price.perMillion("2", "8").withCachedInput("2").withCacheWrite("2.0");

        assertThat(PriceTable.of(Map.of("m", implicit)).priceId())
                .isEqualTo(PriceTable.of(Map.of("m", explicit)).priceId());
    }

    @Test
    void anyPriceChangeGivesANewId() {
        String base = PriceTable.of(Map.of("m", GPT)).priceId();

        assertThat(PriceTable.of(Map.of("m", Price.perMillion("2.50", "10").withCachedInput("1.26"))).priceId()).isNotEqualTo(base);
        assertThat(PriceTable.of(Map.of("m", Price.perMillion("2.50", "10.01").withCachedInput("1.25"))).priceId()).isNotEqualTo(base);
        assertThat(PriceTable.of(Map.of("m2", GPT)).priceId()).isNotEqualTo(base);
        assertThat(PriceTable.empty().priceId()).isNotEqualTo(base);
    }

    @Test
    void anExplicitVersionIsKept() {
        PriceTable table = PriceTable.of(Map.of("m", GPT), "2026-01");

        assertThat(table.priceId()).isEqualTo("2026-01");
        assertThatThrownBy(() -> PriceTable.of(Map.of(), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("price_id: ' ' (expected: 1..64 printable characters)");
    }

    @Test
    void modelNamesThatWouldBreakTheListingAreRejected() {
        assertThatThrownBy(() -> PriceTable.of(Map.of("a\tb", GPT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model: 'a\tb'");
    }

    @Test
    void lookupIsByExactModelName() {
        PriceTable table = PriceTable.of(Map.of("gpt-4o", GPT));

        assertThat(table.price("gpt-4o")).contains(GPT);
        assertThat(table.price("gpt-4o-mini")).isEmpty();
        assertThat(table.price(null)).isEmpty();
    }

    @Test
    void cachePricesFallBackToTheInputPrice() {
        Price price = Price.perMillion("2", "8");

        assertThat(price.cachedInputOrInput()).isEqualByComparingTo("2");
        assertThat(price.cacheWriteOrInput()).isEqualByComparingTo("2");
        assertThat(CLAUDE.cachedInputOrInput()).isEqualByComparingTo("0.30");
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
    }
}
