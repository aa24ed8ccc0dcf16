package dev.tally.gateway.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A short-lived cache of keys by secret hash in front of the store, so authenticating a call
 * costs no store read most of the time.
 *
 * <p>Bounds: an entry is served for at most {@code ttl} after it was read (default 1 s), so a
 * change made elsewhere — by {@code tally keys} on the same store, or by another gateway
 * instance — takes effect within {@code ttl}. Changes made through this instance's
 * {@link KeyService} invalidate the entry at once. Misses are not cached: a key created
 * elsewhere works immediately, and a flood of unknown keys cannot fill the cache (brute-force
 * slowdown limits how often they reach the store). At most {@code maxEntries} entries are kept;
 * when full, expired entries are dropped first, then everything (a refill costs one read per
 * active key).
 *
 * <p>Store outages: when the store cannot be read, a key read successfully within the last
 * {@link #OUTAGE_GRACE} is served as it was then (its expiry and revocation as last seen are
 * still checked by the caller), so a database restart does not stop traffic that async audit
 * can spill; a key never seen, or seen longer ago, still fails with the store's exception (the
 * caller answers 503). A revocation made during the outage cannot be seen by anyone until the
 * store is back. Thread-safe.
 */
public final class KeyCache implements KeyLookup {

    /** Default staleness bound. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);
    /** How long a key last read before a store outage stays usable while the store cannot be read. */
    public static final Duration OUTAGE_GRACE = Duration.ofMinutes(15);
    /** Default most entries kept. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private record Entry(VirtualKey key, long readAtMillis) {
    }

    private final KeyLookup store;
    private final Clock clock;
    private final long ttlMillis;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();
    private final AtomicLong servedInOutage = new AtomicLong();

    public KeyCache(KeyLookup store, Clock clock, Duration ttl, int maxEntries) {
        if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("key_cache_ttl: " + ttl.toMillis() + "ms (expected: 0..60000 ms)");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("key_cache_max_entries: " + maxEntries + " (expected: >= 1)");
        }
        this.store = store;
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.maxEntries = maxEntries;
    }

    /** Blocking: reads the store when the entry is missing or older than the ttl. */
    @Override
    public Optional<VirtualKey> bySecretHash(String secretHash) {
        long now = clock.millis();
        Entry cached = byHash.get(secretHash);
        if (cached != null && now - cached.readAtMillis() < ttlMillis) {
            return Optional.of(cached.key());
        }
        Optional<VirtualKey> loaded;
        try {
            loaded = store.bySecretHash(secretHash);
        } catch (StoreException e) {
            if (cached != null && now - cached.readAtMillis() < OUTAGE_GRACE.toMillis()) {
                servedInOutage.incrementAndGet();
                return Optional.of(cached.key());
            }
            throw e;
        }
        if (loaded.isEmpty()) {
            byHash.remove(secretHash);
            return loaded;
        }
        if (ttlMillis > 0) {
            makeRoom(now);
            byHash.put(secretHash, new Entry(loaded.get(), now));
        }
        return loaded;
    }

    /** Forgets the key with this secret hash, so the next lookup reads the store. */
    public void invalidate(String secretHash) {
        byHash.remove(secretHash);
    }

    /** Lookups answered from a key last read before a store outage, while the store could not be read. */
    public long servedInOutage() {
        return servedInOutage.get();
    }

    /** Entries held now (expired ones included until they are dropped). */
    public int size() {
        return byHash.size();
    }

    private void makeRoom(long now) {
        if (byHash.size() < maxEntries) {
            return;
        }
        byHash.values().removeIf(e -> now - e.readAtMillis() >= ttlMillis);
        if (byHash.size() >= maxEntries) {
            byHash.clear();
        }
    }
}
