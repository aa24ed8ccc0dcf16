package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.store.RateLeases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared per-minute buckets of {@code rate_buckets} on a real PostgreSQL: leases from
 * several stores (instances) at once never add up to more than the bucket holds, and the
 * bucket refills at the limit per minute.
 */
class PostgresRateLeasesTest {

    private static final long T0 = 1_790_000_000_000L;

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private String database;
    private final List<PostgresAuditStore> stores = new ArrayList<>();

    @BeforeEach
    void open() {
        database = server.newDatabase(PostgresAuditStoreTest.template());
        for (int i = 0; i < 3; i++) {
            stores.add(PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(),
                    null)));
        }
    }

    @AfterEach
    void close() {
        stores.forEach(PostgresAuditStore::close);
        server.dropDatabase(database);
    }

    @Test
    void aNewBucketStartsFullAndGrantsNoMoreThanItHolds() {
        RateLeases leases = stores.getFirst();
        assertThat(leases.lease("k1", RateLeases.REQUESTS, 100, 30, T0)).isEqualTo(30);
        assertThat(leases.lease("k1", RateLeases.REQUESTS, 100, 60, T0)).isEqualTo(60);
        assertThat(leases.lease("k1", RateLeases.REQUESTS, 100, 60, T0)).isEqualTo(10);
        assertThat(leases.lease("k1", RateLeases.REQUESTS, 100, 60, T0)).isZero();
        // The other limit and another key have buckets of their own.
        assertThat(leases.lease("k1", RateLeases.TOKENS, 100, 60, T0)).isEqualTo(60);
        assertThat(leases.lease("k2", RateLeases.REQUESTS, 100, 500, T0)).isEqualTo(100);
    }

    @Test
    void theBucketRefillsAtTheLimitPerMinuteUpToTheLimit() {
        RateLeases leases = stores.getFirst();
        assertThat(leases.lease("k", RateLeases.REQUESTS, 60, 60, T0)).isEqualTo(60);
        assertThat(leases.lease("k", RateLeases.REQUESTS, 60, 60, T0 + 10_000)).isEqualTo(10); // one a second
        assertThat(leases.lease("k", RateLeases.REQUESTS, 60, 60, T0 + 10_500)).isZero(); // half a unit
        assertThat(leases.lease("k", RateLeases.REQUESTS, 60, 60, T0 + 11_000)).isEqualTo(1); // the half kept
        // A clock behind the last refill adds nothing; an hour adds no more than the limit.
        assertThat(leases.lease("k", RateLeases.REQUESTS, 60, 60, T0)).isZero();
        assertThat(leases.lease("k", RateLeases.REQUESTS, 60, 1_000, T0 + 3_600_000)).isEqualTo(60);
    }

    @Test
    void concurrentLeasesFromThreeInstancesNeverExceedTheBucket() throws Exception {
        AtomicLong granted = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            RateLeases leases = stores.get(t % stores.size());
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 40; i++) {
                    granted.addAndGet(leases.lease("shared", RateLeases.REQUESTS, 1_000, 7, T0));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        // 12 x 40 x 7 = 3,360 asked for, 1,000 there, no refill at one instant.
        assertThat(granted.get()).isEqualTo(1_000);
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        RateLeases leases = stores.getFirst();
        assertThatThrownBy(() -> leases.lease("k", "bytes", 10, 1, T0)).hasMessage(
                "limit: 'bytes' (expected: requests or tokens)");
        assertThatThrownBy(() -> leases.lease("k", RateLeases.TOKENS, 0, 1, T0)).hasMessageStartingWith(
                "per_minute: 0 (expected: 1..");
        assertThatThrownBy(() -> leases.lease("k", RateLeases.TOKENS, 10, 0, T0)).hasMessage(
                "units: 0 (expected: at least 1)");
    }
}
