package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.alert.AlertRules;
import dev.tally.audit.alert.AlertBudget;
import dev.tally.audit.alert.BudgetAlert;
import dev.tally.audit.alert.BudgetAlertContract;
import dev.tally.audit.alert.BudgetKind;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BudgetAlertContract} on a real (embedded) PostgreSQL, plus what only a shared store
 * has: several instances (stores with chains of their own on one database) crossing the same
 * threshold write one row, a threshold that only two instances' calls committed at the same
 * moment cross is still written, and claiming at once never hands one row to two of them.
 */
class PostgresBudgetAlertTest extends BudgetAlertContract {

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private String database;
    private final List<PostgresAuditStore> others = new ArrayList<>();

    @Override
    protected AuditStore newStore() {
        database = server.newDatabase(PostgresAuditStoreTest.template());
        return open();
    }

    private PostgresAuditStore open() {
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null));
    }

    @AfterEach
    void closeOthers() {
        others.forEach(PostgresAuditStore::close);
    }

    @Test
    void aThresholdOnlyTwoCommitsAtOnceCrossIsWrittenByTheSecond() throws Exception {
        // Each call is 30% of the day's budget; the 50% threshold needs both. With no call after
        // them, the alert exists only if the later commit saw the earlier one's call.
        List<TestChain> chains = instances(2, new AlertBudget(BudgetKind.USER, "alice", 1_000_000L,
                BudgetPeriod.DAY, List.of(50)));
        int days = 15;
        Instant first = Instant.parse("2026-04-01T09:00:00Z");
        for (int day = 0; day < days; day++) {
            Instant t = first.plus(Duration.ofDays(day));
            together(chains, (c, mine) -> c.append(mine.call(t).user("alice").costMicros(300_000L).build()));
        }
        assertThat(outbox().alerts(null, 100)).hasSize(days)
                .allSatisfy(a -> assertThat(a.spentMicros()).isEqualTo(600_000L));
    }

    @Test
    void instancesCrossingTheSameThresholdTogetherWriteOneRow() throws Exception {
        List<TestChain> chains = instances(4, new AlertBudget(BudgetKind.TAG, "team=ads", 1_000_000L,
                BudgetPeriod.MONTH, List.of(10, 20, 30)));
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        together(chains, (c, mine) -> {
            for (int n = 0; n < 10; n++) {
                c.append(mine.call(t.plusSeconds(n)).tags(Map.of("team", "ads")).costMicros(10_000L).build());
            }
        });
        // 40 calls of $0.01 = 40% of $1: every threshold crossed, each exactly once.
        assertThat(outbox().alerts(null, 100)).extracting(BudgetAlert::threshold).containsExactlyInAnyOrder(10, 20, 30);

        List<String> claimed = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> claimers = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
            PostgresAuditStore other = others.get(i);
            String owner = "instance-" + i;
            claimers.add(Thread.ofVirtual().start(() -> {
                for (BudgetAlert a : other.claimAlerts(owner, t.plusSeconds(60), Duration.ofMinutes(1), 10)) {
                    claimed.add(a.id());
                }
            }));
        }
        for (Thread thread : claimers) {
            thread.join();
        }
        assertThat(claimed).hasSize(3).doesNotHaveDuplicates();
    }

    /** {@code n} instances on this database, each alerting on {@code budget}, each with a chain. */
    private List<TestChain> instances(int n, AlertBudget budget) {
        AlertRules rules = new AlertRules(List.of(), List.of(budget));
        List<TestChain> chains = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PostgresAuditStore other = open();
            others.add(other);
            other.alertRules(rules);
            chains.add(new TestChain(other, "gw-" + (others.size() + 10)));
        }
        return chains;
    }

    /** Runs {@code work} on every chain at once, one virtual thread each, and waits for them all. */
    private static void together(List<TestChain> chains, BiConsumer<TestChain, Entries> work) throws Exception {
        CyclicBarrier go = new CyclicBarrier(chains.size());
        List<Thread> threads = new ArrayList<>();
        for (TestChain c : chains) {
            Entries mine = new Entries();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                work.accept(c, mine);
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
