package dev.tally.gateway.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoreException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Refresh ahead: a lookup that finds its entry past half the {@code ttl} still gets it, and
 * marks the key due; a sweep a quarter {@code ttl} later (on a timer thread, scheduled by the
 * first key marked) reads every due key and replaces its entry. A key in steady use is thus
 * never read on a call's path, and a call never starts the read either: a key read from SQLite
 * beside the audit writer takes about 0.5 ms, and a thread woken for it by the call held that
 * call back all the same (a virtual thread: for the read's whole length, in a third of the
 * refreshes; the benchmark's figures are in {@code bench/README.md}). A key used
 * less often than every half {@code ttl} is read on the call that finds it expired. The bound
 * holds either way: an entry is served only within {@code ttl} of the read that filled it
 * (timed from before that read began), and a read that raced with {@link #invalidate} does
 * not survive it.
 *
 * <p>Store outages: when the store cannot be read, a key read successfully within the last
 * {@link #OUTAGE_GRACE} is served as it was then (its expiry and revocation as last seen are
 * still checked by the caller), so a database restart does not stop traffic that async audit
 * can spill; a key never seen, or seen longer ago, still fails with the store's exception (the
 * caller answers 503). A revocation made during the outage cannot be seen by anyone until the
 * store is back. Once a read has failed, the store is known to be down: for the next
 * {@link #OUTAGE_PROBE_INTERVAL} lookups do not ask it (a key within the grace is served, any
 * other fails at once), then one lookup asks again. Without this every call past its key's ttl
 * waited for the store to fail first, which a PostgreSQL store's connection pool makes a 5 s
 * wait ({@code connectionTimeout}) per call for as long as the outage lasts. Thread-safe.
 */
public final class KeyCache implements KeyLookup {

    /** Default staleness bound. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);
    /** How long a key last read before a store outage stays usable while the store cannot be read. */
    public static final Duration OUTAGE_GRACE = Duration.ofMinutes(15);
    /** While the store is known to be down, how long lookups go without asking it before one asks again. */
    public static final Duration OUTAGE_PROBE_INTERVAL = Duration.ofSeconds(1);
    /** Default most entries kept. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private static final System.Logger LOG = System.getLogger(KeyCache.class.getName());

    private record Entry(VirtualKey key, long readAtMillis) {
    }

    private final KeyLookup store;
    private final Clock clock;
    private final long ttlMillis;
    private final int maxEntries;
    private final Later later;
    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();
    private final Set<String> due = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    /** Counts {@link #invalidate} calls, so a read that started before one can tell. */
    private final AtomicLong invalidations = new AtomicLong();
    private final AtomicLong servedInOutage = new AtomicLong();
    /** Clock millis from which the next lookup asks the store again after a failed read; 0: no outage known. */
    private final AtomicLong outageProbeAtMillis = new AtomicLong();

    /** Runs a task once, {@code delayMillis} from now, on a thread that is not a call's. */
    @FunctionalInterface
    public interface Later {
        void run(Runnable task, long delayMillis);
    }

    /** The default timer: one daemon thread for the whole JVM, gone after 30 s without work. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                task -> Thread.ofPlatform().name("tally-key-refresh").daemon(true).unstarted(task));
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    /** A cache whose refresh-ahead sweeps run on the shared timer thread. */
    public KeyCache(KeyLookup store, Clock clock, Duration ttl, int maxEntries) {
        this(store, clock, ttl, maxEntries, (task, delayMillis) -> TIMER.schedule(task, delayMillis, TimeUnit.MILLISECONDS));
    }

    /** @param later runs the refresh-ahead sweeps (tests pass one they control) */
    public KeyCache(KeyLookup store, Clock clock, Duration ttl, int maxEntries, Later later) {
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
        this.later = later;
    }

    /** Blocking: reads the store when the entry is missing or older than the ttl. */
    @Override
    public Optional<VirtualKey> bySecretHash(String secretHash) {
        long now = clock.millis();
        Entry cached = byHash.get(secretHash);
        if (cached != null && now - cached.readAtMillis() < ttlMillis) {
            if (2 * (now - cached.readAtMillis()) >= ttlMillis) {
                markDue(secretHash);
            }
            return Optional.of(cached.key());
        }
        boolean graced = cached != null && now - cached.readAtMillis() < OUTAGE_GRACE.toMillis();
        long probeAt = outageProbeAtMillis.get();
        if (probeAt != 0 && (now < probeAt || !outageProbeAtMillis.compareAndSet(probeAt, now + OUTAGE_PROBE_INTERVAL.toMillis()))) {
            // the store is known to be down and another lookup asks it, or will: do not wait for it
            if (graced) {
                servedInOutage.incrementAndGet();
                return Optional.of(cached.key());
            }
            throw new StoreException("key store: unavailable (the last read failed; asked again every "
                    + OUTAGE_PROBE_INTERVAL.toMillis() + " ms)");
        }
        try {
            return load(secretHash, now);
        } catch (StoreException e) {
            outageKnown();
            if (graced) {
                servedInOutage.incrementAndGet();
                return Optional.of(cached.key());
            }
            throw e;
        }
    }

    /** A read failed: lookups stop asking the store until the probe interval has passed. */
    private void outageKnown() {
        outageProbeAtMillis.set(Math.max(1, clock.millis() + OUTAGE_PROBE_INTERVAL.toMillis()));
    }

    /** Forgets the key with this secret hash, so the next lookup reads the store. */
    public void invalidate(String secretHash) {
        invalidations.incrementAndGet();
        byHash.remove(secretHash);
    }

    /** Reads the store and caches what it found; {@code now} is the clock before the read. */
    private Optional<VirtualKey> load(String secretHash, long now) {
        long seen = invalidations.get();
        Optional<VirtualKey> loaded = store.bySecretHash(secretHash);
        outageProbeAtMillis.set(0);
        if (loaded.isEmpty()) {
            byHash.remove(secretHash);
            return loaded;
        }
        if (ttlMillis > 0) {
            makeRoom(now);
            byHash.put(secretHash, new Entry(loaded.get(), now));
            if (invalidations.get() != seen) {
                // a change through this instance may have landed after the read: drop what it saw
                byHash.remove(secretHash);
            }
        }
        return loaded;
    }

    private void markDue(String secretHash) {
        if (!due.contains(secretHash)) {
            due.add(secretHash);
        }
        if (!sweepScheduled.get() && sweepScheduled.compareAndSet(false, true)) {
            try {
                later.run(this::sweep, Math.max(1, ttlMillis / 4));
            } catch (RuntimeException e) {
                sweepScheduled.set(false); // the next lookup tries again
            }
        }
    }

    /** Reads every due key. A key marked after the flag is cleared gets the next sweep. */
    private void sweep() {
        sweepScheduled.set(false);
        for (String secretHash : due) {
            due.remove(secretHash);
            try {
                load(secretHash, clock.millis());
            } catch (RuntimeException e) {
                if (e instanceof StoreException) {
                    outageKnown();
                }
                // the entry expires at its ttl and is then served for the outage grace
                LOG.log(Level.DEBUG, "key cache: refresh ahead failed: {0}", e.getClass().getSimpleName());
            }
        }
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
