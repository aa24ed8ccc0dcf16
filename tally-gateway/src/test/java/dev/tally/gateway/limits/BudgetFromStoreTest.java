package dev.tally.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.keys.MutableClock;
import dev.tally.gateway.keys.StoreFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budget is read from call records committed through the real recorder and store. */
class BudgetFromStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-15T18:00:00Z");
    private final IdSource ids = new IdSource(clock, new SplittableRandom(3));
    private StoreFixture fx;
    private VirtualKey key;
    private KeyLimiter limiter;

    @BeforeEach
    void open() throws Exception {
        fx = new StoreFixture(dir, clock);
        key = fx.keys.create(KeySettings.named("ci-bot").withBudget(1_000_000L, BudgetPeriod.DAY), "test").key();
        limiter = new KeyLimiter(SpendReader.fromStore(fx.store), clock, Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private void call(String keyId, String startedAt, Long costMicros) {
        Instant at = Instant.parse(startedAt);
        fx.recorder.record(CallRecord.builder().id(ids.nextAt(at)).startedAt(at).keyId(keyId).keyName("n")
                .model("gpt-4o-mini").provider("openai").status(CallStatus.SUCCESS).httpStatus(200)
                .inputTokens(100L).outputTokens(10L).costMicros(costMicros).build());
    }

    @Test
    void todaysRecordedSpendOfThisKeyOnlyCountsAgainstTheDailyBudget() throws Exception {
        call(key.id(), "2026-03-14T23:59:59.999Z", 5_000_000L); // yesterday
        call(key.id(), "2026-03-15T00:00:00Z", 300_000L);
        call(key.id(), "2026-03-15T09:30:00Z", 300_000L);
        call(key.id(), "2026-03-15T17:59:00Z", 300_000L);
        call(key.id(), "2026-03-15T17:59:30Z", null); // unpriced
        call("another-key", "2026-03-15T12:00:00Z", 2_000_000L);
        fx.recorder.flush();

        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOf(Admission.Admitted.class);

        call(key.id(), "2026-03-15T18:00:00Z", 100_000L);
        fx.recorder.flush();
        limiter.settle(key, 110, 100_000L); // the same call, settled by this instance

        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isEqualTo(new Admission.Refused(
                SecurityEventType.BUDGET_EXCEEDED, 429, "budget_exceeded",
                "budget_per_day: limit $1.00 reached (spent $1.00 since 2026-03-15T00:00:00Z; retry after 21600s)",
                Duration.ofHours(6)));

        clock.advance(Duration.ofSeconds(5)); // re-read: the store has the call now, the local sum restarts
        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.message()).contains("spent $1.00 since"));
    }

    @Test
    void theNextDayStartsFromZero() throws Exception {
        call(key.id(), "2026-03-15T10:00:00Z", 1_000_000L);
        fx.recorder.flush();
        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOf(Admission.Refused.class);

        clock.set(Instant.parse("2026-03-16T00:00:00Z"));

        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOf(Admission.Admitted.class);
    }
}
