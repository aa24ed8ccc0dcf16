package dev.tally.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.adjust.RecordPricer;
import dev.tally.audit.adjust.RepriceRequest;
import dev.tally.audit.adjust.Repricer;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.keys.MutableClock;
import dev.tally.gateway.keys.StoreFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's budget counts the adjusted spend: re-pricing today's calls upwards brings the key to its
 * budget at the next read of the store, and a price cut gives budget back.
 */
class BudgetCountsAdjustmentsTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-15T18:00:00Z");
    private StoreFixture fx;
    private VirtualKey key;
    private KeyLimiter limiter;

    @BeforeEach
    void open() throws Exception {
        fx = new StoreFixture(dir, clock);
        key = fx.keys.create(KeySettings.named("ci-bot").withBudget(1_000_000L, BudgetPeriod.DAY), "test").key();
        limiter = new KeyLimiter(SpendReader.fromStore(fx.store), clock, Duration.ofSeconds(5));
        Instant at = Instant.parse("2026-03-15T09:00:00Z");
        fx.recorder.record(CallRecord.builder().id(new IdSource(clock, new SplittableRandom(5)).nextAt(at))
                .startedAt(at).keyId(key.id()).keyName("ci-bot").model("gpt-4o-mini").provider("openai")
                .status(CallStatus.SUCCESS).inputTokens(100L).outputTokens(10L).costMicros(900_000L).priceId("p-old")
                .build());
        fx.recorder.flush();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private void repriceAt(String inputUsdPerMillion) throws InterruptedException {
        new Repricer(fx.store, fx.recorder, new RecordPricer(PriceBook.ofPrices(Map.of("gpt-4o-mini",
                Price.perMillion(inputUsdPerMillion, "0")))), clock).run(new RepriceRequest("gpt-4o-mini",
                Instant.parse("2026-03-15T00:00:00Z"), Instant.parse("2026-03-16T00:00:00Z"), false, null, "cli"));
    }

    @Test
    void anAdjustmentUpwardsReachesTheBudgetAndAPriceCutGivesItBack() throws Exception {
        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOf(Admission.Admitted.class);

        repriceAt("10000"); // 100 input tokens at $10,000/M: 1,000,000 micro-USD, 100,000 more than recorded
        clock.advance(Duration.ofSeconds(5));

        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.message()).contains("spent $1.00 since"));
        assertThat(SpendReader.fromStore(fx.store).spentMicros(key.id(), Instant.parse("2026-03-15T00:00:00Z")))
                .isEqualTo(1_000_000L);

        repriceAt("1"); // 100 micro-USD
        clock.advance(Duration.ofSeconds(5));

        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOf(Admission.Admitted.class);
        assertThat(SpendReader.fromStore(fx.store).spentMicros(key.id(), Instant.parse("2026-03-15T00:00:00Z")))
                .isEqualTo(100L);
    }
}
