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

    /** A store of keys by hash that counts its reads. */
    static final class CountingLookup implements KeyLookup {
        final Map<String, VirtualKey> byHash = new HashMap<>();
        int reads;

        @Override
        public synchronized Optional<VirtualKey> bySecretHash(String secretHash) {
            reads++;
            return Optional.ofNullable(byHash.get(secretHash));
        }
    }

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final CountingLookup store = new CountingLookup();

    static VirtualKey key(String id, String hash, boolean enabled) {
        return new VirtualKey(id, "name-" + id, hash, "tk-" + id, null, null, null, null, null, null, enabled, null,
                null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void servesAnEntryForAtMostTheTtl() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100);
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
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100);
        store.byHash.put("h1", key("1", "h1", true));
        cache.bySecretHash("h1");
        store.byHash.put("h1", key("1", "h1", false));

        cache.invalidate("h1");

        assertThat(cache.bySecretHash("h1")).get().extracting(VirtualKey::enabled).isEqualTo(false);
    }

    @Test
    void missesAreNotCachedSoNewKeysWorkAtOnceAndFloodsTakeNoRoom() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 100);

        for (int i = 0; i < 1000; i++) {
            assertThat(cache.bySecretHash("unknown-" + i)).isEmpty();
        }
        assertThat(cache.size()).isZero();
        store.byHash.put("unknown-1", key("1", "unknown-1", true));
        assertThat(cache.bySecretHash("unknown-1")).isPresent();
    }

    @Test
    void neverHoldsMoreThanMaxEntries() {
        KeyCache cache = new KeyCache(store, clock, Duration.ofSeconds(1), 10);
        for (int i = 0; i < 50; i++) {
            store.byHash.put("h" + i, key(Integer.toString(i), "h" + i, true));
            cache.bySecretHash("h" + i);
            assertThat(cache.size()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void zeroTtlAlwaysReadsTheStore() {
        KeyCache cache = new KeyCache(store, clock, Duration.ZERO, 10);
        store.byHash.put("h1", key("1", "h1", true));

        cache.bySecretHash("h1");
        cache.bySecretHash("h1");

        assertThat(store.reads).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }
}
