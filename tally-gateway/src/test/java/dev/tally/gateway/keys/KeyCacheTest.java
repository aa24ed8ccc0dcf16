package dev.tally.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.keys.VirtualKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

    /** A store of keys by hash that counts its reads, and runs {@code duringRead} inside each. */
    static final class CountingLookup implements KeyLookup {
        final Map<String, VirtualKey> byHash = new HashMap<>();
        int reads;
        Runnable duringRead = () -> { };

        @Override
        public synchronized Optional<VirtualKey> bySecretHash(String secretHash) {
            reads++;
            Optional<VirtualKey> found = Optional.ofNullable(byHash.get(secretHash));
            duringRead.run();
            return found;
        }
    }

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final CountingLookup store = new CountingLookup();
    private final QueuedRefresher refresher = new QueuedRefresher();

    static VirtualKey key(String id, String hash, boolean enabled) {
        return new VirtualKey(id, "name-" + id, hash, "tk-" + id, null, null, null, null, null, null, enabled, null,
                null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void servesAnEntryForAtMostTheTtl() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h1", key("1", "h1", true));

        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(true);
        store.byHash.put("h1", key("1", "h1", false)); // changed elsewhere
        clock.advance(Duration.ofMillis(999));
        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(true);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(false);
        assertThat(store.reads).isEqualTo(2);
    }

    @Test
    void invalidateForcesARead() {
        KeyCache cache = cachedH1();
        store.byHash.put("h1", key("1", "h1", false));

        cache.invalidate("h1");

        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(false);
    }

    @Test
    void missesAreNotCachedSoNewKeysWorkAtOnceAndFloodsTakeNoRoom() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);

        for (int i = 0; i < 1000; i++) {
            assertThat(cache.bySecretHash("unknown-" + i)).isEmpty();
        }
        assertThat(cache.size()).isZero();
        store.byHash.put("unknown-1", key("1", "unknown-1", true));
        assertThat(cache.bySecretHash("unknown-1")).isPresent();
    }

    @Test
    void neverHoldsMoreThanMaxEntries() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 10, refresher);
        for (int i = 0; i < 50; i++) {
            store.byHash.put("h" + i, key(Integer.toString(i), "h" + i, true));
            cache.bySecretHash("h" + i);
            assertThat(cache.size()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void zeroTtlAlwaysReadsTheStore() {
        KeyCache cache = new KeyCache(store, clock, Duration.ZERO, 10, refresher);
        store.byHash.put("h1", key("1", "h1", true));

        cache.bySecretHash("h1");
        cache.bySecretHash("h1");

        assertThat(store.reads).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    /** A cache with a 1 s ttl that has just read key h1 (enabled) from the store. */
    private KeyCache cachedH1() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h1", key("1", "h1", true));
        cache.bySecretHash("h1");
        return cache;
    }

    @Test
    void aKeyInSteadyUseIsReadAheadByASweepNotOnTheCallsPath() {
        KeyCache cache = cachedH1();

        clock.advance(Duration.ofMillis(499));
        cache.bySecretHash("h1");
        assertThat(refresher.queued()).as("younger than half the ttl").isZero();
        clock.advance(Duration.ofMillis(101));
        cache.bySecretHash("h1");
        cache.bySecretHash("h1");
        assertThat(refresher.queued()).as("one sweep for all the lookups").isEqualTo(1);
        assertThat(refresher.lastDelayMillis).as("a quarter of the ttl").isEqualTo(250);
        assertThat(store.reads).as("nothing read on the call's path").isEqualTo(1);

        refresher.runAll(); // the sweep: the entry is now as read at 600 ms
        clock.advance(Duration.ofMillis(900)); // 1,500 ms: past the first read's ttl, within the refresh's
        assertThat(cache.bySecretHash("h1")).isPresent();
        assertThat(store.reads).as("no read on the call's path").isEqualTo(2);
        assertThat(refresher.queued()).isEqualTo(1);
    }

    @Test
    void aRefreshAheadBringsAChangeMadeElsewhereWithinTheTtl() {
        KeyCache cache = cachedH1();
        store.byHash.put("h1", key("1", "h1", false));

        clock.advance(Duration.ofMillis(600));
        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(true);
        refresher.runAll();

        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(false);
    }

    @Test
    void aKeyDeletedElsewhereLeavesTheCacheOnItsRefresh() {
        KeyCache cache = cachedH1();
        store.byHash.remove("h1");

        clock.advance(Duration.ofMillis(600));
        cache.bySecretHash("h1");
        refresher.runAll();

        assertThat(cache.size()).isZero();
        assertThat(cache.bySecretHash("h1")).isEmpty();
    }

    @Test
    void aReadThatRacedWithAnInvalidationDoesNotStayCached() {
        KeyCache cache = cachedH1();
        clock.advance(Duration.ofMillis(600));
        cache.bySecretHash("h1");
        // a change through this instance commits while the refresh's read is under way
        store.duringRead = () -> {
            store.byHash.put("h1", key("1", "h1", false));
            cache.invalidate("h1");
        };
        refresher.runAll();
        store.duringRead = () -> { };

        assertThat(cache.size()).as("what the racing read saw was dropped").isZero();
        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(false);
    }

    @Test
    void theDefaultSweepReadsOnATimerThreadNotTheCalls() throws Exception {
        java.util.concurrent.CountDownLatch refreshed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> reader = new java.util.concurrent.atomic.AtomicReference<>();
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100);
        store.byHash.put("h1", key("1", "h1", true));
        cache.bySecretHash("h1");
        store.duringRead = () -> {
            reader.set(Thread.currentThread());
            refreshed.countDown();
        };

        clock.advance(Duration.ofMillis(600));
        assertThat(cache.bySecretHash("h1")).isPresent();

        assertThat(refreshed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(reader.get()).isNotSameAs(Thread.currentThread());
        assertThat(reader.get().isVirtual()).as("JDBC reads pin a virtual thread's carrier").isFalse();
        assertThat(reader.get().getName()).isEqualTo("tally-key-refresh");
    }
}
