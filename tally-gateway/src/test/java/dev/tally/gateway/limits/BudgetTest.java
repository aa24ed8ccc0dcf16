package dev.tally.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.StoreException;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetTest {

    /** A spend figure tests set by hand, recording each read. */
    static final class FakeSpend implements SpendReader {
        volatile long spent;
        volatile boolean failing;
        final List<Instant> readsSince = new ArrayList<>();

        @Override
        public synchronized long spentMicros(String keyId, Instant since) {
            readsSince.add(since);
            if (failing) {
                throw new StoreException("store unavailable");
            }
            return spent;
        }
    }

    private final MutableClock clock = MutableClock.at("2026-11-23T18:00:00Z");
    private final FakeSpend spend = new FakeSpend();
    private final KeyLimiter limiter = new KeyLimiter(spend, clock, Duration.ofSeconds(5));

    static VirtualKey key(long budgetMicros, BudgetPeriod period) {
        return new VirtualKey("key-1", "ci-bot", "h", "tk-abcdefg", null, null, null, budgetMicros, period, null, true,
                null, null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void spendAtTheDailyBudgetIsRefusedUntilMidnightUtc() {
        spend.spent = 10_000_000;

        assertThat(limiter.admit(key(10_000_000, BudgetPeriod.DAY), "m", 1)).isEqualTo(new Admission.Refused(
                SecurityEventType.BUDGET_EXCEEDED, 429, "budget_exceeded",
                "budget_per_day: limit $10.00 reached (spent $10.00 since 2026-11-23T00:00:00Z; retry after 21600s)",
                Duration.ofHours(6)));
        assertThat(spend.readsSince).containsExactly(Instant.parse("2026-11-23T00:00:00Z"));
    }

    @Test
    void spendBelowTheBudgetIsAdmitted() {
        spend.spent = 9_999_999;

        assertThat(limiter.admit(key(10_000_000, BudgetPeriod.DAY), "m", 1)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void monthlyBudgetReadsFromTheFirstOfTheMonth() {
        spend.spent = 2_500_123;

        assertThat(limiter.admit(key(2_500_000, BudgetPeriod.MONTH), "m", 1)).isInstanceOfSatisfying(
                Admission.Refused.class, r -> {
                    assertThat(r.message()).isEqualTo("budget_per_month: limit $2.50 reached (spent $2.500123 since "
                            + "2026-11-01T00:00:00Z; retry after 626400s)");
                    assertThat(r.retryAfter()).isEqualTo(Duration.between(clock.instant(),
                            Instant.parse("2026-12-01T00:00:00Z")));
                });
    }

    @Test
    void costSettledHereCountsUntilTheNextRead() {
        VirtualKey key = key(1_000_000, BudgetPeriod.DAY);
        spend.spent = 400_000;
        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Admitted.class);

        limiter.settle(key, 10, 599_999L);
        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Admitted.class);
        limiter.settle(key, 10, 1L);
        assertThat(limiter.admit(key, "m", 1)).extracting("message").asString()
                .contains("spent $1.00 since");
        assertThat(spend.readsSince).hasSize(1);

        // The store now has the records (and so the cost); the local sum restarts at the re-read.
        spend.spent = 500_000;
        clock.advance(Duration.ofSeconds(5));
        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Admitted.class);
        assertThat(spend.readsSince).hasSize(2);
    }

    @Test
    void unpricedCallsAddNothing() {
        VirtualKey key = key(100, BudgetPeriod.DAY);
        limiter.admit(key, "m", 1);

        limiter.settle(key, 10, null);

        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aNewDayReadsAfreshFromItsStart() {
        VirtualKey key = key(100, BudgetPeriod.DAY);
        spend.spent = 100;
        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Refused.class);

        spend.spent = 0;
        clock.set(Instant.parse("2026-11-24T00:00:00Z"));

        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Admitted.class);
        assertThat(spend.readsSince).containsExactly(Instant.parse("2026-11-23T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void whenTheStoreCannotBeReadTheLastFigurePlusLocalSpendIsUsedAndCounted() {
        VirtualKey key = key(1_000, BudgetPeriod.DAY);
        spend.spent = 900;
        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Admitted.class);

        spend.failing = true;
        clock.advance(Duration.ofSeconds(10));
        limiter.settle(key, 1, 100L);

        assertThat(limiter.admit(key, "m", 1)).isInstanceOf(Admission.Refused.class);
        assertThat(limiter.spendReadFailures()).isEqualTo(1);
    }

    @Test
    void budgetStatusShowsSpentLeftAndTheNextReset() {
        VirtualKey key = key(1_000_000, BudgetPeriod.MONTH);
        spend.spent = 400_000;
        limiter.admit(key, "m", 1);
        limiter.settle(key, 10, 50_000L);

        assertThat(limiter.budget(key)).contains(new BudgetStatus(1_000_000, BudgetPeriod.MONTH, 450_000, 550_000,
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));

        spend.spent = 1_200_000;
        clock.advance(Duration.ofSeconds(5));
        assertThat(limiter.budget(key)).get().extracting(BudgetStatus::remainingMicros).isEqualTo(0L);
        assertThat(limiter.budget(BudgetTest.keyWithoutBudget())).isEmpty();
    }

    static VirtualKey keyWithoutBudget() {
        return new VirtualKey("key-2", "free", "h2", "tk-hijklmn", null, null, null, null, null, null, true,
                null, null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void usdIsExactWithAtLeastTwoDecimals() {
        assertThat(BudgetTracker.usd(0)).isEqualTo("$0.00");
        assertThat(BudgetTracker.usd(1)).isEqualTo("$0.000001");
        assertThat(BudgetTracker.usd(10_000_450)).isEqualTo("$10.00045");
        assertThat(BudgetTracker.usd(123_000_000)).isEqualTo("$123.00");
    }
}
