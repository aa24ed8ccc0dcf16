package dev.tally.audit.store.postgres;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a store's background folder folds ({@link RollupFolder}): ingest first, the rollups as
 * soon as that costs it nothing, and never later than a bound.
 *
 * <p>Every {@link PostgresOptions#foldInterval()} the folder looks at each chain with unfolded
 * calls and folds it when
 * <ul>
 *   <li>its head has not moved since the last look (its writer is quiet: folding takes no
 *       capacity from it), or</li>
 *   <li>{@value #BACKLOG} or more entries wait, or</li>
 *   <li>the chain has had unfolded entries for {@link #MAX_DELAY} or more.</li>
 * </ul>
 * A fold is as much work for the database as the writer's rollup upserts used to be (a little
 * less: a fold sums more calls per row), so on a machine whose cores the writer keeps busy,
 * folding during a burst would slow the burst by about that much. Deferring it to the quiet
 * moments after the burst lets the burst go in at the speed of the entries alone, while reads stay
 * exact (they add the unfolded calls themselves); the bounds keep what a read adds small under
 * sustained load: at most {@value #BACKLOG} entries or {@link #MAX_DELAY} of traffic per chain,
 * plus one interval.
 *
 * <p>Thread-safe: the schedule's state is used by its one folder thread; {@link #foldAll} may be
 * called from any thread (a chain being folded by another thread is waited for or skipped).
 */
final class FoldSchedule implements AutoCloseable {

    /** Unfolded entries of one chain that make the folder fold it even while its writer is busy. */
    static final int BACKLOG = 50_000;
    /** The longest a chain's calls wait for the folder while its writer is busy. */
    static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(FoldSchedule.class.getName());

    private final PostgresPool pool;
    private final WrittenRollups written = new WrittenRollups(); // the store's writer adds to it
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicLong failures = new AtomicLong();
    private boolean failing; // folder thread only: the last round failed (logged once per outage)
    private final Map<String, Long> seenHeads = new HashMap<>(); // folder thread only
    private final Map<String, Long> lagSince = new HashMap<>(); // folder thread only: epoch ms
    private final Map<String, FoldMemory> memories = new java.util.concurrent.ConcurrentHashMap<>();

    FoldSchedule(PostgresPool pool, Duration interval, Clock clock) {
        this.pool = pool;
        this.interval = interval;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-postgres-rollup-folder");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the background folder, unless the interval is zero. */
    void start() {
        long ms = interval.toMillis();
        if (ms > 0) {
            thread.scheduleWithFixedDelay(this::roundQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** The sums of the calls the store's writer committed, for its folds to take. */
    WrittenRollups written() {
        return written;
    }

    /** How many background rounds failed (each is logged). */
    long failures() {
        return failures.get();
    }

    /** Folds every chain now; returns the number of entries folded. */
    long foldAll(boolean wait) {
        long total = 0;
        for (RollupFolder.Lag lag : pool.work("lagging chains", RollupFolder::lagging)) {
            total += foldChain(lag.chain(), wait);
        }
        return total;
    }

    /** One round; a failure is counted every time and logged once until a round succeeds again. */
    private void roundQuietly() {
        try {
            round();
            if (failing) {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "postgresql: folding usage rollups of " + pool.where() + " works again");
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.WARNING, "postgresql: folding usage rollups of " + pool.where()
                        + " failed (retried every " + interval + ", logged again when it works; reads stay exact): "
                        + e.getMessage());
            }
        }
    }

    private void round() {
        long now = clock.millis();
        List<RollupFolder.Lag> lagging = pool.work("lagging chains", RollupFolder::lagging);
        Map<String, Long> heads = new HashMap<>();
        for (RollupFolder.Lag lag : lagging) {
            heads.put(lag.chain(), lag.head());
            long since = lagSince.computeIfAbsent(lag.chain(), c -> now);
            boolean quiet = Long.valueOf(lag.head()).equals(seenHeads.get(lag.chain()));
            boolean due = lag.head() - lag.folded() >= BACKLOG || now - since >= MAX_DELAY.toMillis();
            if (quiet || due) {
                foldChain(lag.chain(), false);
                lagSince.remove(lag.chain());
            }
        }
        seenHeads.clear();
        seenHeads.putAll(heads);
        lagSince.keySet().retainAll(heads.keySet());
    }

    /**
     * Folds one chain in transactions of at most {@link RollupFolder#MAX_ENTRIES} read entries (or
     * one span of the writer's sums, {@link WrittenRollups}) until it is caught up.
     */
    private long foldChain(String chain, boolean wait) {
        long total = 0;
        FoldMemory memory = memories.computeIfAbsent(chain, k -> new FoldMemory());
        while (true) {
            long folded;
            synchronized (memory) { // two threads of this store fold one chain in turn, in the memory too
                folded = pool.work("fold rollups", c -> {
                    c.setAutoCommit(false);
                    try {
                        long n = RollupFolder.fold(c, chain, Long.MAX_VALUE, RollupFolder.MAX_ENTRIES, wait, memory,
                                written);
                        c.commit();
                        memory.committed();
                        return n;
                    } catch (SQLException | RuntimeException e) {
                        if (memory.taken() != null) {
                            // Not folded (or, if the commit's outcome is unknown, a later fold drops it).
                            written.putBack(chain, memory.taken());
                        }
                        memory.rolledBack();
                        pool.rollbackQuietly(c);
                        throw e;
                    } finally {
                        c.setAutoCommit(true);
                    }
                });
            }
            total += folded;
            if (folded == 0 || folded < RollupFolder.MAX_ENTRIES && !memory.stoppedAtSpan()) {
                return total; // caught up, or another instance is folding it
            }
        }
    }

    /** Stops the background folder; returns when its current round has ended (at most 10 s). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
