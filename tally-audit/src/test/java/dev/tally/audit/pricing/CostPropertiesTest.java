package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
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

        TokenUsage moreUncached = copy(usage, in + more, usage.cachedInput(), usage.cacheWrite(), out, reasoning);
        TokenUsage moreCached = copy(usage, in + more, cached + more, usage.cacheWrite(), out, reasoning);
        TokenUsage moreWrite = copy(usage, in + more, usage.cachedInput(), write + more, out, reasoning);
        TokenUsage moreOutput = copy(usage, in, usage.cachedInput(), usage.cacheWrite(), out + more, reasoning);

        for (TokenUsage bigger : new TokenUsage[] {moreUncached, moreCached, moreWrite, moreOutput}) {
            assertThat(CostCalculator.micros(price, bigger).orElseThrow()).isGreaterThanOrEqualTo(before);
        }
    }

    @Property
    void reasoningNeverChangesTheCostBecauseItIsPartOfOutput(@ForAll("prices") Price price,
            @ForAll("usages") TokenUsage usage) {
        TokenUsage withoutReasoning = copy(usage, usage.input(), usage.cachedInput(), usage.cacheWrite(),
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

    @Property
    void aVersionCostsTheTierRatesTimesTheMultiplierRoundedOnce(@ForAll("versions") PriceVersion version,
            @ForAll("usages") TokenUsage usage) {
        long micros = CostCalculator.micros(version, usage).orElseThrow();
        Price rates = version.rates(usage.input());
        BigDecimal multiplier = version.multiplier(usage.serviceTier());
        // Reference: the exact integer sum at scale 6, times the multiplier at scale 2, rounded by hand once.
        long expected = referenceScaled(rates, usage, multiplier);

        assertThat(micros).isEqualTo(expected).isNotNegative();
        BigDecimal exact = CostCalculator.exactMicros(version, usage).orElseThrow();
        assertThat(exact.subtract(BigDecimal.valueOf(micros)).abs()).isLessThanOrEqualTo(new BigDecimal("0.5"));
    }

    @Property
    void unsetMediaAndOneHourRatesPriceThosePartsLikeTheBucketTheyBelongTo(@ForAll("usages") TokenUsage usage,
            @ForAll("prices") Price any) {
        Price plain = new Price(any.input(), any.cachedInput(), any.cacheWrite(), any.output());
        TokenUsage textOnly = new TokenUsage(usage.input(), usage.cachedInput(), usage.cacheWrite(), usage.output(),
                usage.reasoning());

        assertThat(CostCalculator.micros(plain, usage)).isEqualTo(CostCalculator.micros(plain, textOnly));
    }

    @Property
    void costIsMonotoneInEachPriceChangingPart(@ForAll("prices") Price price, @ForAll("usages") TokenUsage usage,
            @ForAll @LongRange(min = 0, max = 1_000_000) long more) {
        long before = CostCalculator.micros(price, usage).orElseThrow();
        long in = usage.input() + more;
        TokenUsage moreAudioIn = new TokenUsage(in, usage.cachedInput(), usage.cacheWrite(), usage.output(), usage.reasoning(),
                usage.cacheWrite1h(), zero(usage.audioInput()) + more, usage.audioOutput(), usage.imageInput(), usage.serviceTier());
        TokenUsage moreImage = new TokenUsage(in, usage.cachedInput(), usage.cacheWrite(), usage.output(), usage.reasoning(),
                usage.cacheWrite1h(), usage.audioInput(), usage.audioOutput(), zero(usage.imageInput()) + more, usage.serviceTier());
        TokenUsage moreWrite1h = new TokenUsage(in, usage.cachedInput(), zero(usage.cacheWrite()) + more, usage.output(),
                usage.reasoning(), zero(usage.cacheWrite1h()) + more, usage.audioInput(), usage.audioOutput(), usage.imageInput(),
                usage.serviceTier());
        TokenUsage moreAudioOut = new TokenUsage(usage.input(), usage.cachedInput(), usage.cacheWrite(), usage.output() + more,
                usage.reasoning(), usage.cacheWrite1h(), usage.audioInput(), zero(usage.audioOutput()) + more, usage.imageInput(),
                usage.serviceTier());

        for (TokenUsage bigger : new TokenUsage[] {moreAudioIn, moreImage, moreWrite1h, moreAudioOut}) {
            assertThat(CostCalculator.micros(price, bigger).orElseThrow()).isGreaterThanOrEqualTo(before);
        }
    }

    @Property
    void theVersionInForceIsTheLastOneStartedAtOrBeforeTheCall(@ForAll @LongRange(min = 0, max = 400) long day,
            @ForAll("prices") Price a, @ForAll("prices") Price b, @ForAll("prices") Price c) {
        java.time.Instant epoch = java.time.Instant.parse("2026-01-01T00:00:00Z");
        PriceVersion first = PriceVersion.of("m", epoch.plus(java.time.Duration.ofDays(100)), a, List.of(), Map.of());
        PriceVersion second = PriceVersion.of("m", epoch.plus(java.time.Duration.ofDays(200)), b, List.of(), Map.of());
        PriceVersion third = PriceVersion.of("m", epoch.plus(java.time.Duration.ofDays(300)), c, List.of(), Map.of());
        PriceBook book = PriceBook.of(Map.of("m", List.of(first, second, third)));
        java.time.Instant at = epoch.plus(java.time.Duration.ofDays(day));
        TokenUsage usage = new TokenUsage(1_000L, null, null, 10L, null);

        PriceVersion expected = day >= 300 ? third : day >= 200 ? second : day >= 100 ? first : null;
        assertThat(book.version("m", at).orElse(null)).isEqualTo(expected);
        // Unpriced before the first version: absent, never a zero cost.
        assertThat(book.cost("m", usage, at).map(Cost::priceId).orElse(null)).isEqualTo(expected == null ? null : expected.id());
    }

    private static long referenceScaled(Price price, TokenUsage usage, BigDecimal multiplier) {
        TokenUsage plain = usage.withServiceTier(null);
        // The reference sum at scale 6 as an integer, then × multiplier at scale 2: total scale 8.
        BigDecimal sum6 = CostCalculator.exactMicros(price, plain).orElseThrow();
        long unscaledCheck = referenceMicros(price, plain);
        assertThat(sum6.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact()).isEqualTo(unscaledCheck);
        BigInteger total = sum6.movePointRight(6).toBigIntegerExact()
                .multiply(multiplier.movePointRight(2).toBigIntegerExact());
        return halfEven(total, 8);
    }

    /**
     * An independent reference: every price as an integer count of 10^-SCALE USD per million,
     * the whole cost as one integer, then half-even division done by hand.
     */
    private static long referenceMicros(Price price, TokenUsage usage) {
        final int scale = 6;
        long text = usage.input() - zero(usage.cachedInput()) - zero(usage.cacheWrite()) - zero(usage.audioInput())
                - zero(usage.imageInput());
        long write1h = zero(usage.cacheWrite1h());
        BigInteger total = units(price.input(), scale).multiply(BigInteger.valueOf(text))
                .add(units(price.cachedInputOrInput(), scale).multiply(BigInteger.valueOf(zero(usage.cachedInput()))))
                .add(units(price.cacheWriteOrInput(), scale).multiply(BigInteger.valueOf(zero(usage.cacheWrite()) - write1h)))
                .add(units(price.cacheWrite1hOrCacheWrite(), scale).multiply(BigInteger.valueOf(write1h)))
                .add(units(price.audioInputOrInput(), scale).multiply(BigInteger.valueOf(zero(usage.audioInput()))))
                .add(units(price.imageInputOrInput(), scale).multiply(BigInteger.valueOf(zero(usage.imageInput()))))
                .add(units(price.output(), scale).multiply(BigInteger.valueOf(usage.output() - zero(usage.audioOutput()))))
                .add(units(price.audioOutputOrOutput(), scale).multiply(BigInteger.valueOf(zero(usage.audioOutput()))));
        return halfEven(total, scale);
    }

    /** {@code total / 10^scale}, rounded half-even by hand. */
    private static long halfEven(BigInteger total, int scale) {
        BigInteger divisor = BigInteger.TEN.pow(scale);
        BigInteger[] qr = total.divideAndRemainder(divisor);
        int half = qr[1].shiftLeft(1).compareTo(divisor);
        boolean up = half > 0 || (half == 0 && qr[0].testBit(0));
        return (up ? qr[0].add(BigInteger.ONE) : qr[0]).longValueExact();
    }

    private static BigInteger units(BigDecimal usdPerMillion, int scale) {
        return usdPerMillion.movePointRight(scale).toBigIntegerExact();
    }

    /** {@code usage} with new text counts and its other parts kept. */
    private static TokenUsage copy(TokenUsage usage, Long input, Long cached, Long write, Long output, Long reasoning) {
        return new TokenUsage(input, cached, write, output, reasoning, usage.cacheWrite1h(), usage.audioInput(),
                usage.audioOutput(), usage.imageInput(), usage.serviceTier());
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
        Arbitrary<BigDecimal> optional = any.injectNull(0.3);
        return Combinators.combine(any, optional, optional, any, optional, optional, optional, optional).as(Price::new);
    }

    @Provide
    Arbitrary<TokenUsage> usages() {
        Arbitrary<Long> count = Arbitraries.longs().between(0, MAX_TOKENS);
        Arbitrary<TokenUsage> text = Combinators.combine(count, count, count, count, count, Arbitraries.integers().between(0, 7))
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
        Arbitrary<String> tier = Arbitraries.of("flex", "priority", "batch", "default").injectNull(0.3);
        return Combinators.combine(text, count, count, count, count, Arbitraries.integers().between(0, 15), tier)
                .as((u, w, ai, ii, ao, shape, serviceTier) -> {
                    // Media parts come out of what is left of the input after the cache parts.
                    long write = zero(u.cacheWrite());
                    long left = u.input() - zero(u.cachedInput()) - write;
                    long audioIn = Math.min(ai, left);
                    long imageIn = Math.min(ii, left - audioIn);
                    return new TokenUsage(u.input(), u.cachedInput(), u.cacheWrite(), u.output(), u.reasoning(),
                            (shape & 1) == 0 ? Math.min(w, write) : null,
                            (shape & 2) == 0 ? audioIn : null,
                            (shape & 4) == 0 ? Math.min(ao, u.output()) : null,
                            (shape & 8) == 0 ? imageIn : null,
                            serviceTier);
                });
    }

    @Provide
    Arbitrary<PriceVersion> versions() {
        Arbitrary<BigDecimal> multiplier = Arbitraries.integers().between(1, 400).map(n -> BigDecimal.valueOf(n, 2));
        Arbitrary<Long> threshold = Arbitraries.longs().between(0, MAX_TOKENS);
        return Combinators.combine(prices(), prices(), threshold, multiplier, multiplier, Arbitraries.integers().between(0, 3))
                .as((base, tier, above, flex, priority, shape) -> PriceVersion.of("m", null, base,
                        (shape & 1) == 0 ? List.of(new PriceTier(above, tier)) : List.of(),
                        (shape & 2) == 0 ? Map.of("flex", flex, "priority", priority) : Map.of()));
    }
}
