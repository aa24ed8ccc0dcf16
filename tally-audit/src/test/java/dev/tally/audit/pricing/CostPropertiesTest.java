package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Invariants of token normalisation and cost that must hold for any counts and prices. */
class CostPropertiesTest {

    private static final long MAX_TOKENS = 2_000_000_000L;

    @Property
    void costIsNeverNegative(@ForAll("prices") Price price, @ForAll("usages") TokenUsage usage) {
        assertThat(CostCalculator.micros(price, usage).orElseThrow()).isNotNegative();
    }

    @Property
    void costIsMonotoneInEachTokenBucket(@ForAll("prices") Price price, @ForAll("usages") TokenUsage usage,
            @ForAll @LongRange(min = 0, max = 1_000_000) long more) {
        long before = CostCalculator.micros(price, usage).orElseThrow();
        long in = usage.input();
        long cached = zero(usage.cachedInput());
        long write = zero(usage.cacheWrite());
        long out = usage.output();
        Long reasoning = usage.reasoning();

        TokenUsage moreUncached = new TokenUsage(in + more, usage.cachedInput(), usage.cacheWrite(), out, reasoning);
        TokenUsage moreCached = new TokenUsage(in + more, cached + more, usage.cacheWrite(), out, reasoning);
        TokenUsage moreWrite = new TokenUsage(in + more, usage.cachedInput(), write + more, out, reasoning);
        TokenUsage moreOutput = new TokenUsage(in, usage.cachedInput(), usage.cacheWrite(), out + more, reasoning);

        for (TokenUsage bigger : new TokenUsage[] {moreUncached, moreCached, moreWrite, moreOutput}) {
            assertThat(CostCalculator.micros(price, bigger).orElseThrow()).isGreaterThanOrEqualTo(before);
        }
    }

    @Property
    void reasoningNeverChangesTheCostBecauseItIsPartOfOutput(@ForAll("prices") Price price,
            @ForAll("usages") TokenUsage usage) {
        TokenUsage withoutReasoning = new TokenUsage(usage.input(), usage.cachedInput(), usage.cacheWrite(),
                usage.output(), null);

        assertThat(CostCalculator.micros(price, usage)).isEqualTo(CostCalculator.micros(price, withoutReasoning));
    }

    @Property
    void withFlatInputPricesTheCacheSplitDoesNotMatter(@ForAll("prices") Price anyPrice,
            @ForAll("usages") TokenUsage usage) {
        Price flat = new Price(anyPrice.input(), anyPrice.input(), null, anyPrice.output());
        TokenUsage allUncached = new TokenUsage(usage.input(), null, null, usage.output(), null);

        // If cache tokens were counted on top of input, the split would change the cost.
        assertThat(CostCalculator.micros(flat, usage)).isEqualTo(CostCalculator.micros(flat, allUncached));
    }

    @Property
    void normalisedAnthropicInputIsTheSumOfItsThreeParts(@ForAll @LongRange(min = 0, max = MAX_TOKENS) long input,
            @ForAll @LongRange(min = 0, max = MAX_TOKENS) long output,
            @ForAll @LongRange(min = 0, max = MAX_TOKENS) long cacheCreation,
            @ForAll @LongRange(min = 0, max = MAX_TOKENS) long cacheRead) {
        TokenUsage usage = TokenUsage.fromAnthropic(input, output, cacheCreation, cacheRead);

        assertThat(usage.input()).isEqualTo(input + cacheCreation + cacheRead);
        assertThat(usage.cachedInput()).isEqualTo(cacheRead);
        assertThat(usage.cacheWrite()).isEqualTo(cacheCreation);
        assertThat(usage.uncachedInput()).isEqualTo(input);
        assertThat(usage.output()).isEqualTo(output);
    }

    @Property
    void costIsTheExactSumRoundedHalfEvenOnce(@ForAll("prices") Price price, @ForAll("usages") TokenUsage usage) {
        long micros = CostCalculator.micros(price, usage).orElseThrow();

        assertThat(micros).isEqualTo(referenceMicros(price, usage));
        // Rounding once means the result is within half a micro-USD of the exact cost.
        BigDecimal exact = CostCalculator.exactMicros(price, usage).orElseThrow();
        assertThat(exact.subtract(BigDecimal.valueOf(micros)).abs()).isLessThanOrEqualTo(new BigDecimal("0.5"));
    }

    /**
     * An independent reference: every price as an integer count of 10^-SCALE USD per million,
     * the whole cost as one integer, then half-even division done by hand.
     */
    private static long referenceMicros(Price price, TokenUsage usage) {
        final int scale = 6;
        long uncached = usage.input() - zero(usage.cachedInput()) - zero(usage.cacheWrite());
        BigInteger total = units(price.input(), scale).multiply(BigInteger.valueOf(uncached))
                .add(units(price.cachedInputOrInput(), scale).multiply(BigInteger.valueOf(zero(usage.cachedInput()))))
                .add(units(price.cacheWriteOrInput(), scale).multiply(BigInteger.valueOf(zero(usage.cacheWrite()))))
                .add(units(price.output(), scale).multiply(BigInteger.valueOf(usage.output())));
        BigInteger divisor = BigInteger.TEN.pow(scale);
        BigInteger[] qr = total.divideAndRemainder(divisor);
        int half = qr[1].shiftLeft(1).compareTo(divisor);
        boolean up = half > 0 || (half == 0 && qr[0].testBit(0));
        return (up ? qr[0].add(BigInteger.ONE) : qr[0]).longValueExact();
    }

    private static BigInteger units(BigDecimal usdPerMillion, int scale) {
        return usdPerMillion.movePointRight(scale).toBigIntegerExact();
    }

    private static long zero(Long value) {
        return value == null ? 0L : value;
    }

    @Provide
    Arbitrary<Price> prices() {
        Arbitrary<BigDecimal> amount = Arbitraries.bigDecimals()
                .between(BigDecimal.ZERO, new BigDecimal("200"))
                .ofScale(6);
        // Half-cent steps make exact ties (x.5 micro-USD) common enough to exercise half-even.
        Arbitrary<BigDecimal> tieProne = Arbitraries.integers().between(0, 400).map(n -> BigDecimal.valueOf(n, 1));
        Arbitrary<BigDecimal> any = Arbitraries.oneOf(amount, tieProne);
        return Combinators.combine(any, any.injectNull(0.3), any.injectNull(0.3), any).as(Price::new);
    }

    @Provide
    Arbitrary<TokenUsage> usages() {
        Arbitrary<Long> count = Arbitraries.longs().between(0, MAX_TOKENS);
        return Combinators.combine(count, count, count, count, count, Arbitraries.integers().between(0, 7))
                .as((a, b, c, out, r, shape) -> {
                    // Split a total into disjoint parts; the shape bits leave a part unknown.
                    long input = a;
                    long cached = Math.min(b, input);
                    long write = Math.min(c, input - cached);
                    long reasoning = Math.min(r, out);
                    return new TokenUsage(input,
                            (shape & 1) == 0 ? cached : null,
                            (shape & 2) == 0 ? write : null,
                            out,
                            (shape & 4) == 0 ? reasoning : null);
                });
    }
}
