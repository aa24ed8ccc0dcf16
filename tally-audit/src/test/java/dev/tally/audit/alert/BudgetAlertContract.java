package dev.tally.audit.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.StoreContractSupport;
import dev.tally.audit.testing.Entries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The budget-alert outbox, run against every store: rows appear in the commit that crosses a
 * threshold, once per budget, period and threshold, and a lease is held by one owner at a time.
 */
public abstract class BudgetAlertContract extends StoreContractSupport {

    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    protected AlertOutbox outbox() {
        return (AlertOutbox) store;
    }

    @BeforeEach
    void rules() {
        // key-1 has a $10 monthly budget on the key; users and tags get budgets of their own here.
        VirtualKey key = Entries.key("key-1", "team-a", T.minusSeconds(3600));
        VirtualKey budgeted = new VirtualKey(key.id(), key.name(), key.secretHash(), key.prefix(), List.of(), null, null,
                10_000_000L, BudgetPeriod.MONTH, null, true, null, Map.of(), key.createdAt(), null);
        chain.change(new AdminChange.CreateKey(budgeted), entries.admin(T.minusSeconds(3600), AdminEventType.KEY_CREATED,
                "key-1"));
        outbox().alertRules(new AlertRules(List.of(50, 80, 100), List.of(
                new AlertBudget(BudgetKind.USER, "alice", 1_000_000L, BudgetPeriod.DAY, List.of(50, 100)),
                new AlertBudget(BudgetKind.TAG, "team=search", 2_000_000L, BudgetPeriod.MONTH, List.of(100)))));
    }

    private CallRecord call(Instant at, long costMicros) {
        return entries.call(at).costMicros(costMicros).build();
    }

    @Test
    void aCommitThatCrossesThresholdsWritesOneRowPerThresholdCrossed() {
        chain.append(call(T, 4_000_000));
        assertThat(outbox().alerts(null, 10)).isEmpty(); // 40% of the key's budget
        chain.append(call(T.plusSeconds(1), 4_500_000)); // 85%: both 50 and 80 at once
        List<BudgetAlert> alerts = outbox().alerts(null, 10);
        assertThat(alerts).extracting(BudgetAlert::threshold).containsExactlyInAnyOrder(50, 80);
        BudgetAlert first = alerts.getFirst();
        assertThat(first.budget()).isEqualTo("key:key-1");
        assertThat(first.kind()).isEqualTo(BudgetKind.KEY);
        assertThat(first.spentMicros()).isEqualTo(8_500_000);
        assertThat(first.budgetMicros()).isEqualTo(10_000_000);
        assertThat(first.periodStart()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(first.state()).isEqualTo(AlertState.PENDING);
        assertThat(first.id()).isEqualTo(BudgetCrossings.deliveryId("key:key-1", first.periodStart().toEpochMilli(),
                first.threshold()));
        // More spend in the same period adds no row for a threshold already crossed.
        chain.append(call(T.plusSeconds(2), 100));
        chain.append(call(T.plusSeconds(3), 2_000_000)); // 105%
        assertThat(outbox().alerts(null, 10)).extracting(BudgetAlert::threshold).containsExactlyInAnyOrder(50, 80, 100);
    }

    @Test
    void aNewPeriodAlertsAgain() {
        chain.append(call(T, 6_000_000));
        chain.append(call(Instant.parse("2026-04-01T00:00:01Z"), 6_000_000));
        assertThat(outbox().alerts(null, 10)).extracting(a -> a.periodStart().toString() + " " + a.threshold())
                .containsExactlyInAnyOrder("2026-03-01T00:00:00Z 50", "2026-04-01T00:00:00Z 50");
    }

    @Test
    void userAndTagBudgetsCountTheirOwnCalls() {
        chain.append(entries.call(T).keyId(null).user("alice").costMicros(600_000L).build(),
                entries.call(T).keyId(null).user("bob").costMicros(5_000_000L).build(),
                entries.call(T).keyId(null).tags(Map.of("team", "search")).costMicros(1_500_000L).build());
        assertThat(outbox().alerts(null, 10)).extracting(BudgetAlert::budget).containsExactly("user:alice");
        chain.append(entries.call(T.plusSeconds(5)).keyId(null).tags(Map.of("team", "search")).costMicros(500_000L)
                .build());
        List<BudgetAlert> alerts = outbox().alerts(null, 10);
        assertThat(alerts).extracting(a -> a.budget() + " " + a.threshold())
                .containsExactlyInAnyOrder("user:alice 50", "tag:team=search 100");
        BudgetAlert tag = alerts.stream().filter(a -> a.kind() == BudgetKind.TAG).findFirst().orElseThrow();
        assertThat(tag.subject()).isEqualTo("team=search");
        assertThat(tag.spentMicros()).isEqualTo(2_000_000);
        // A user's day budget starts again the next day.
        chain.append(entries.call(T.plusSeconds(86_400)).keyId(null).user("alice").costMicros(400_000L).build());
        assertThat(outbox().alerts(null, 10)).hasSize(2);
    }

    @Test
    void noRulesNoRows() {
        outbox().alertRules(AlertRules.NONE);
        chain.append(call(T, 50_000_000));
        assertThat(outbox().alerts(null, 10)).isEmpty();
    }

    @Test
    void aLeaseIsHeldByOneOwnerAndOutcomesOnlyByIt() {
        chain.append(call(T, 5_000_000));
        Instant now = T.plusSeconds(10);
        List<BudgetAlert> mine = outbox().claimAlerts("a", now, LEASE, 10);
        assertThat(mine).hasSize(1);
        assertThat(outbox().claimAlerts("b", now, LEASE, 10)).isEmpty();
        String id = mine.getFirst().id();
        assertThat(outbox().alertRetry(id, "b", 1, now, "not mine")).isFalse();
        assertThat(outbox().alertRetry(id, "a", 1, now.plusSeconds(2), "connection refused")).isTrue();
        assertThat(outbox().claimAlerts("b", now.plusSeconds(1), LEASE, 10)).isEmpty(); // not due yet
        List<BudgetAlert> again = outbox().claimAlerts("b", now.plusSeconds(2), LEASE, 10);
        assertThat(again).singleElement().satisfies(a -> {
            assertThat(a.attempts()).isEqualTo(1);
            assertThat(a.lastError()).isEqualTo("connection refused");
        });
        // b stalls past its lease: a takes the row over, and b can no longer record an outcome.
        Instant late = now.plusSeconds(2).plus(LEASE);
        assertThat(outbox().claimAlerts("a", late, LEASE, 10)).hasSize(1);
        assertThat(outbox().alertDelivered(id, "b", 2, late)).isFalse();
        assertThat(outbox().alertDelivered(id, "a", 2, late)).isTrue();
        assertThat(outbox().claimAlerts("a", late.plus(LEASE).plus(LEASE), LEASE, 10)).isEmpty();
        assertThat(outbox().alerts(AlertState.DELIVERED, 10)).singleElement().satisfies(a -> {
            assertThat(a.attempts()).isEqualTo(2);
            assertThat(a.finishedAt()).isEqualTo(late);
        });
        assertThat(outbox().alerts(AlertState.PENDING, 10)).isEmpty();
    }

    @Test
    void aFailedAlertIsNotClaimedAgain() {
        chain.append(call(T, 5_000_000));
        String id = outbox().claimAlerts("a", T, LEASE, 10).getFirst().id();
        assertThat(outbox().alertFailed(id, "a", 8, T, "http 500")).isTrue();
        assertThat(outbox().claimAlerts("a", T.plus(Duration.ofDays(1)), LEASE, 10)).isEmpty();
        assertThat(outbox().alerts(AlertState.FAILED, 10)).singleElement()
                .satisfies(a -> assertThat(a.lastError()).isEqualTo("http 500"));
    }

    @Test
    void aRefusedBatchLeavesNoAlert() {
        chain.append(call(T, 1_000_000));
        CallRecord crossing = call(T.plusSeconds(1), 9_000_000);
        // A batch that does not continue the chain is refused: rollups and alerts go with it.
        var placed = new dev.tally.audit.testing.TestChain(store, "other").place(List.of(crossing));
        var bad = new dev.tally.audit.chain.ChainedEntry(placed.getFirst().chain(), 5, placed.getFirst().prevHash(),
                placed.getFirst().hash(), placed.getFirst().entry());
        try {
            store.commit(new dev.tally.audit.store.WriteBatch("other", List.of(), List.of(bad), List.of(), List.of()));
        } catch (RuntimeException expected) {
            // refused, as intended
        }
        assertThat(outbox().alerts(null, 10)).isEmpty();
        chain.append(crossing);
        assertThat(outbox().alerts(null, 10)).extracting(BudgetAlert::threshold).containsExactlyInAnyOrder(50, 80, 100);
    }
}
