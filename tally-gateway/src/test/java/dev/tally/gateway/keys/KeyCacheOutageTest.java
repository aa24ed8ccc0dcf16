package dev.tally.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The key cache while the store cannot be read: known keys go on, for a bounded time. */
class KeyCacheOutageTest {

    /** A store of keys by hash that can be taken down, counting the reads it is asked for. */
    static final class FlakyLookup implements KeyLookup {
        final Map<String, VirtualKey> byHash = new HashMap<>();
        boolean down;
        int reads;

        @Override
        public synchronized Optional<VirtualKey> bySecretHash(String secretHash) {
            reads++;
            if (down) {
                throw new StoreException("postgresql: connection refused");
            }
            return Optional.ofNullable(byHash.get(secretHash));
        }
    }

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final FlakyLookup store = new FlakyLookup();
    private final QueuedRefresher refresher = new QueuedRefresher();

    private static VirtualKey key(String id, String hash) {
        return new VirtualKey(id, "name-" + id, hash, "tk-" + id, null, null, null, null, null, null, true, null,
                null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void aKeyReadBeforeAnOutageIsServedForTheGraceAndNoLonger() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h1", key("1", "h1"));
        assertThat(cache.bySecretHash("h1")).isPresent();

        store.down = true;
        clock.advance(Duration.ofSeconds(5)); // past the ttl: the store is asked, and fails
        assertThat(cache.bySecretHash("h1")).map(VirtualKey::id).contains("1");
        assertThat(cache.servedInOutage()).isEqualTo(1);

        clock.advance(KeyCache.OUTAGE_GRACE);
        assertThatThrownBy(() -> cache.bySecretHash("h1")).isInstanceOf(StoreException.class);
    }

    @Test
    void aKeyNeverSeenFailsWithTheStore() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h2", key("2", "h2"));
        store.down = true;
        assertThatThrownBy(() -> cache.bySecretHash("h2")).isInstanceOf(StoreException.class);
        assertThat(cache.servedInOutage()).isZero();
    }

    @Test
    void onceTheStoreIsBackItsAnswerWinsAgain() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h1", key("1", "h1"));
        cache.bySecretHash("h1");
        store.down = true;
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.bySecretHash("h1")).isPresent();
        store.down = false;
        store.byHash.remove("h1"); // revoked and deleted elsewhere meanwhile
        clock.advance(KeyCache.OUTAGE_PROBE_INTERVAL); // the next lookup asks the store again
        assertThat(cache.bySecretHash("h1")).isEmpty();
    }

    @Test
    void onceAReadFailedLookupsStopAskingTheStoreUntilTheProbeIntervalPassed() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h1", key("1", "h1"));
        store.byHash.put("h2", key("2", "h2"));
        cache.bySecretHash("h1");
        assertThat(store.reads).isEqualTo(1);

        store.down = true;
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.bySecretHash("h1")).isPresent(); // asks, fails, serves from the grace
        assertThat(store.reads).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMillis(100));
            assertThat(cache.bySecretHash("h1")).as("served without waiting for the store").isPresent();
        }
        assertThatThrownBy(() -> cache.bySecretHash("h2"))
                .as("a key never read fails at once, without asking the store either")
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unavailable");
        assertThat(store.reads).isEqualTo(2);
        assertThat(cache.servedInOutage()).isEqualTo(6);

        clock.advance(KeyCache.OUTAGE_PROBE_INTERVAL);
        assertThat(cache.bySecretHash("h1")).isPresent(); // the probe: asks again, still down
        assertThat(store.reads).isEqualTo(3);
        assertThat(cache.bySecretHash("h1")).isPresent();
        assertThat(store.reads).as("one probe per interval").isEqualTo(3);

        store.down = false;
        clock.advance(KeyCache.OUTAGE_PROBE_INTERVAL);
        assertThat(cache.bySecretHash("h2")).map(VirtualKey::id).contains("2");
        assertThat(store.reads).isEqualTo(4);
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.bySecretHash("h1")).isPresent();
        assertThat(store.reads).as("back to reading past the ttl").isEqualTo(5);
    }

    @Test
    void aRefreshAheadThatFailsLeavesTheEntryToItsTtl() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100, refresher);
        store.byHash.put("h1", key("1", "h1"));
        cache.bySecretHash("h1");
        store.down = true;

        clock.advance(Duration.ofMillis(600));
        cache.bySecretHash("h1");
        refresher.runAll(); // fails against the store

        clock.advance(Duration.ofMillis(300));
        assertThat(cache.bySecretHash("h1")).isPresent();
        assertThat(cache.servedInOutage()).as("still within its ttl").isZero();
        clock.advance(Duration.ofMillis(100));
        assertThat(cache.bySecretHash("h1")).isPresent();
        assertThat(cache.servedInOutage()).as("past its ttl: served for the grace").isEqualTo(1);
        assertThat(store.reads).as("the failed refresh made the outage known: not asked again within a second")
                .isEqualTo(2);
    }
}
