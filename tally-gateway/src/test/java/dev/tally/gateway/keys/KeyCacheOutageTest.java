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

    /** A store of keys by hash that can be taken down. */
    static final class FlakyLookup implements KeyLookup {
        final Map<String, VirtualKey> byHash = new HashMap<>();
        boolean down;

        @Override
        public synchronized Optional<VirtualKey> bySecretHash(String secretHash) {
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
        assertThat(cache.bySecretHash("h1")).isEmpty();
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
        assertThat(cache.servedInOutage()).as("past its ttl: read, failed, served for the grace").isEqualTo(1);
    }
}
