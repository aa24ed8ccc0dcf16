package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Effective-dated prices, tiers, service tiers and the record-based entry point; numbers worked by hand. */
class PriceBookTest {

    private static final Instant MAY = Instant.parse("2026-05-01T00:00:00Z");
    private static final Instant JUNE = Instant.parse("2026-06-01T00:00:00Z");
    private static final PriceVersion OLD = PriceVersion.of("m", null, Price.perMillion("2", "8"), List.of(), Map.of());
    private static final PriceVersion NEW = PriceVersion.of("m", JUNE, Price.perMillion("1", "4"), List.of(),
            Map.of("flex", new BigDecimal("0.5"), "priority", new BigDecimal("1.75")));
    private static final PriceBook BOOK = PriceBook.of(Map.of("m", List.of(OLD, NEW)));
    private static final TokenUsage USAGE = new TokenUsage(1_000L, null, null, 100L, null);

    @Test
    void aCallIsPricedWithTheVersionInForceWhenItStarted() {
        // before June: 1000 × 2 + 100 × 8 = 2800; from June on (inclusive): 1000 × 1 + 100 × 4 = 1400
        assertThat(BOOK.cost("m", USAGE, JUNE.minusMillis(1))).contains(new Cost(2_800L, OLD.id()));
        assertThat(BOOK.cost("m", USAGE, JUNE)).contains(new Cost(1_400L, NEW.id()));
        assertThat(BOOK.cost("m", USAGE, MAY.plusSeconds(86_400L * 365))).contains(new Cost(1_400L, NEW.id()));
        assertThat(OLD.id()).isNotEqualTo(NEW.id());
    }

    @Test
    void aCallBeforeTheFirstVersionIsUnpricedNotFree() {
        PriceBook book = PriceBook.of(Map.of("m", List.of(NEW)));

        assertThat(book.cost("m", USAGE, MAY)).isEmpty();
        assertThat(book.cost("other", USAGE, JUNE)).isEmpty();
        assertThat(book.cost(null, USAGE, JUNE)).isEmpty();
    }

    @Test
    void serviceTierMultipliesTheWholeCostBeforeTheOneRounding() {
        // 1400 × 0.5 = 700; 1400 × 1.75 = 2450; an unconfigured tier costs 1×
        assertThat(BOOK.cost("m", USAGE.withServiceTier("flex"), JUNE).map(Cost::micros)).contains(700L);
        assertThat(BOOK.cost("m", USAGE.withServiceTier("priority"), JUNE).map(Cost::micros)).contains(2_450L);
        assertThat(BOOK.cost("m", USAGE.withServiceTier("default"), JUNE).map(Cost::micros)).contains(1_400L);
        // 3 input at 1 × 0.5 = 1.5 → 2 (half-even); rounding before multiplying would give 3 × 0.5 → 2 too,
        // but 1 input + 1 output: (1 + 4) × 0.5 = 2.5 → 2, where per-bucket rounding gives 0 + 2 = 2 and ceil 3
        assertThat(BOOK.cost("m", new TokenUsage(1L, null, null, 1L, null).withServiceTier("flex"), JUNE).map(Cost::micros))
                .contains(2L);
    }

    @Test
    void aPromptAboveATierIsPricedWhollyAtTheTierRates() {
        PriceVersion tiered = PriceVersion.of("s", null, Price.perMillion("3", "15").withCachedInput("0.30"),
                List.of(new PriceTier(200_000, Price.perMillion("6", "22.50").withCachedInput("0.60"))), Map.of());
        PriceBook book = PriceBook.of(Map.of("s", List.of(tiered)));
        // 200000 input exactly: base, 200000 × 3 + 1000 × 15 = 615000
        assertThat(book.cost("s", new TokenUsage(200_000L, null, null, 1_000L, null), JUNE).map(Cost::micros))
                .contains(615_000L);
        // 200001 of which 100000 cached: (100001 × 6) + (100000 × 0.60) + 1000 × 22.5 = 600006 + 60000 + 22500 = 682506
        assertThat(book.cost("s", new TokenUsage(200_001L, 100_000L, null, 1_000L, null), JUNE).map(Cost::micros))
                .contains(682_506L);
    }

    @Test
    void versionsMustBeOldestFirstWithDistinctStarts() {
        assertThatThrownBy(() -> PriceBook.of(Map.of("m", List.of(NEW, OLD))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("models.m.price[1].from: missing");
        PriceVersion again = PriceVersion.of("m", JUNE, Price.perMillion("9", "9"), List.of(), Map.of());
        assertThatThrownBy(() -> PriceBook.of(Map.of("m", List.of(OLD, NEW, again))))
                .hasMessage("models.m.price[2].from: '2026-06-01T00:00:00Z' (expected: after price[1].from "
                        + "'2026-06-01T00:00:00Z'; versions are listed oldest first, each from a different instant)");
        assertThatThrownBy(() -> PriceBook.of(Map.of("x", List.of(OLD))))
                .hasMessage("models.x.price[0].model: 'm' (expected: 'x')");
    }

    @Test
    void aStoredRecordIsPricedAsTheLiveCallWas() {
        CallRecord.Builder call = CallRecord.builder().id("0190a0b0-0000-7000-8000-000000000001").status(CallStatus.SUCCESS)
                .model("asked").inputTokens(1_000L).outputTokens(100L).serviceTier("flex");
        PriceBook book = PriceBook.of(Map.of("m", List.of(OLD, NEW), "asked", List.of(PriceVersion.always("asked",
                Price.perMillion("100", "100")))));

        // Served by the fallback m in June at flex: 1400 × 0.5 = 700, with m's June version.
        assertThat(book.cost(call.startedAt(JUNE.plusSeconds(5)).pricedModel("m").build())).contains(new Cost(700L, NEW.id()));
        // In May: the old version, which has no flex multiplier: 2800.
        assertThat(book.cost(call.startedAt(MAY).pricedModel("m").build())).contains(new Cost(2_800L, OLD.id()));
        // A record written before priced_model existed is priced by the model it asked for.
        assertThat(book.cost(call.startedAt(MAY).pricedModel(null).build()).map(Cost::micros)).contains(110_000L);
        // No tokens known, no cost.
        assertThat(book.cost(call.startedAt(MAY).pricedModel("m").inputTokens(null).build())).isEmpty();
    }
}
