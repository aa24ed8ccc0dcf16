package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.PortableReads;
import dev.tally.audit.store.RateLeases;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.WriteBatch;
import dev.tally.audit.store.jdbc.AdminWrites;
import dev.tally.audit.store.jdbc.ChainRows;
import dev.tally.audit.store.jdbc.DerivedReads;
import dev.tally.audit.store.jdbc.Dialect;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The {@link AuditStore} for several gateway instances sharing one PostgreSQL database. Each
 * instance writes its own chain (its instance id), so instances never wait for each other's
 * sequence; readers see every chain.
 *
 * <h2>Connections and durability</h2>
 * A HikariCP pool ({@link PostgresOptions#poolSize()} connections) serves the writer and the
 * readers. {@link #commit} runs each batch as one transaction on a pooled connection (see
 * {@link PostgresWriter}); it returns after PostgreSQL acknowledged the COMMIT, so with the
 * server's default {@code synchronous_commit=on} the batch is in the server's fsynced WAL. The
 * commit point of a batch is its COMMIT record. Batched statements are sent as multi-row INSERTs
 * ({@code reWriteBatchedInserts=true}). A pooled connection waits at most 5 s for the server, so
 * a store that is down fails fast and the recorder spills. If the connection breaks during
 * COMMIT the outcome is unknown to the client; the writer then forgets what it cached and
 * re-reads the chain's head before its next batch.
 *
 * <h2>Schema (version {@value PostgresSchema#CURRENT_VERSION}, Flyway, {@code db/postgres/V1__init.sql})</h2>
 * The tables and columns of the SQLite store with PostgreSQL types (text, bigint epoch ms, bytea,
 * boolean), plus:
 * <pre>
 * entries      PARTITION BY RANGE (ts): one partition per UTC day, entries_pYYYYMMDD;
 *              PK (chain, seq, ts); indexes (id); (ts), (key_id, ts), (model, ts) WHERE
 *              kind = 'call'; (ts), (event_type, ts) WHERE kind &lt;&gt; 'call'
 * call_tags    (name, value, ts, chain, seq) PK, partitioned like entries (call_tags_pYYYYMMDD)
 * chain_heads  chain PK, seq, hash: each chain's last entry, updated in every batch
 * rate_buckets (key_id, limit_name) PK: the fleet's shared per-minute buckets (V4, {@link RateLeases})
 * rollup_folds chain PK, folded_seq: the chain's call entries at or below it are in the rollup
 *              tables, those above are not yet (V8, {@link RollupFolder})
 * </pre>
 * Partitions for yesterday through {@link PostgresOptions#partitionDaysAhead()} days ahead are
 * created at open and every {@link #MAINTENANCE_INTERVAL} by a background task; a batch holding
 * an entry for a day without a partition creates it first ({@link Partitions}).
 *
 * <h2>Retention</h2>
 * A prune stores the chain's anchor; rows at or below it become invisible to every read at once
 * (each read keeps only rows above their chain's anchor), and a day's partitions are dropped
 * whole as soon as every chain with rows in that day is pruned past them, right after the prune
 * commits and again by the maintenance task. No entry is ever removed by DELETE. Rollups stay;
 * a prune folds its chain's calls through the anchor into them first, in its own transaction.
 *
 * <h2>Usage rollups</h2>
 * A write batch does not touch the rollups. A background folder ({@link RollupFolder}, on the
 * schedule of {@link FoldSchedule}: when the writer is quiet, within bounds otherwise) adds
 * committed calls to them, each chain in its own
 * transaction under the chain's fold lock, so several instances fold without counting a call
 * twice; {@link #close} folds what this writer left. Every read adds the calls not folded yet
 * ({@link UnfoldedCalls}, {@link FoldedRollupRows}), so usage, budgets and {@code verify --deep}
 * are exact whether or not a fold ran.
 *
 * <h2>Schema versions</h2>
 * A database migrated by a newer Tally (a Flyway version above this code's) is refused at open
 * with a message naming both versions.
 *
 * <p>As {@link DerivedRows} it hands out its rollup and tag rows for {@code verify --deep}, each
 * chain read in one repeatable-read transaction.
 *
 * <p>Thread-safe. Blocking: every method returns when its SQL has completed.
 */
public final class PostgresAuditStore implements DerivedRows, RateLeases, dev.tally.audit.alert.AlertOutbox {

    /** How often partitions ahead are created and pruned days dropped. */
    public static final Duration MAINTENANCE_INTERVAL = Duration.ofHours(1);
    /** How long a partition drop waits for readers' locks before leaving the drop to a later run. */
    static final long DROP_LOCK_TIMEOUT_MS = 5_000;
    /** Payloads deleted per transaction by {@link #prunePayloads}. */
    static final int PAYLOAD_CHUNK = 1_000;

    private static final System.Logger LOG = System.getLogger(PostgresAuditStore.class.getName());

    private final PostgresOptions options;
    private final PostgresPool pool;
    private final Partitions partitions = new Partitions();
    private final dev.tally.audit.alert.BudgetCrossings crossings =
            new dev.tally.audit.alert.BudgetCrossings(UnfoldedCalls::spendSql, UnfoldedCalls.BUDGET_LOCK);
    private final PostgresWriter writer; // guarded by this
    private final PostgresRateLeases leases;
    private final ScheduledExecutorService maintenance;
    private final FoldSchedule folds;
    private final AtomicLong maintenanceFailures = new AtomicLong();
    private volatile boolean wrote; // this store committed a batch: fold what is left at close
    private volatile boolean closed;

    private PostgresAuditStore(PostgresOptions options, PostgresPool pool) {
        this.options = options;
        this.pool = pool;
        this.leases = new PostgresRateLeases(pool);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-postgres-maintenance");
            t.setDaemon(true);
            return t;
        });
        this.folds = new FoldSchedule(pool, options.foldInterval(), options.clock());
        this.writer = new PostgresWriter(crossings, folds.written()); // its sums feed this store's folds
    }

    /**
     * Connects, migrates the schema, creates the partitions ahead and starts the maintenance
     * task. Returns when the store is ready.
     *
     * @throws StoreException when the server cannot be reached, refuses the login, or holds a
     *     schema newer than this code
     */
    public static PostgresAuditStore open(PostgresOptions options) {
        PostgresPool pool = PostgresPool.open(options);
        try {
            PostgresSchema.migrate(pool.dataSource(), pool.where());
            PostgresAuditStore store = new PostgresAuditStore(options, pool);
            store.maintain();
            long period = MAINTENANCE_INTERVAL.toMillis();
            store.maintenance.scheduleAtFixedRate(store::maintainQuietly, period, period, TimeUnit.MILLISECONDS);
            store.folds.start();
            return store;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Where the store is, for messages: {@code postgresql://host:port/db}, never a password. */
    public String where() {
        return pool.where();
    }

    /** How many background maintenance runs failed (each is logged); a metric for the gateway. */
    public long maintenanceFailures() {
        return maintenanceFailures.get();
    }

    /**
     * Creates the partitions ahead and drops fully pruned days now, as the maintenance task
     * does every {@link #MAINTENANCE_INTERVAL}. Returns when done.
     */
    public void maintain() {
        work("maintenance", c -> {
            partitions.refresh(c);
            partitions.ensureAhead(c, options.clock().instant(), options.partitionDaysAhead());
            List<Long> dropped = partitions.dropPruned(c, DROP_LOCK_TIMEOUT_MS);
            if (!dropped.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "postgresql: dropped " + dropped.size() + " pruned day partition(s)");
            }
            return null;
        });
    }

    /** How many background rollup folds failed (each is logged); a metric for the gateway. */
    public long foldFailures() {
        return folds.failures();
    }

    /**
     * Folds every chain's committed calls into the rollup tables now ({@link RollupFolder}),
     * waiting for a chain another instance is folding. Reads are exact without it; the background
     * folder folds on its own schedule ({@link FoldSchedule}). Returns the number of entries
     * folded, when every chain's calls committed before the call are in the rollups.
     */
    public long foldRollups() {
        return folds.foldAll(true);
    }

    long foldsFromMemory() { // folds that took the writer's sums (WrittenRollups) instead of reading: for tests
        return folds.written().used();
    }

    private void maintainQuietly() {
        try {
            maintain();
        } catch (RuntimeException e) {
            maintenanceFailures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "postgresql: maintenance of " + pool.where() + " failed (retried in "
                    + MAINTENANCE_INTERVAL + "): " + e.getMessage());
        }
    }

    /**
     * Creates the day partitions of {@code [from, to]} now (for an import or backfill of old
     * entries, so its batches need not create them one by one). Returns when they exist.
     */
    public void ensurePartitions(Instant from, Instant to) {
        work("create partitions", c -> {
            partitions.ensure(c, Partitions.days(from, to));
            return null;
        });
    }

    /** The UTC days (epoch day numbers) that have partitions now, oldest first. */
    public List<Long> partitionDays() {
        return work("partitions", c -> List.copyOf(Partitions.existing(c).keySet()));
    }

    // ---- shared rate limits ----

    /** Not synchronized: a lease is one statement on its own connection, never behind the writer. */
    @Override
    public long lease(String keyId, String limitName, long perMinute, long units, long nowMillis) {
        return leases.lease(keyId, limitName, perMinute, units, nowMillis);
    }

    // ---- writing ----

    @Override
    public ChainHead head(String chain) {
        return work("head", c -> PostgresReads.head(c, chain));
    }

    @Override
    public synchronized void commit(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        boolean pruned = work("commit", c -> {
            Set<Long> days = new HashSet<>();
            for (ChainedEntry e : batch.entries()) {
                days.add(Partitions.dayOf(dev.tally.audit.store.IndexColumns.ts(e.entry())));
            }
            partitions.ensure(c, days);
            c.setAutoCommit(false);
            try {
                writer.write(c, batch);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                pool.rollbackQuietly(c);
                writer.rolledBack();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            writer.committed();
            wrote = true;
            return writer.pruned();
        });
        if (pruned) {
            dropPrunedQuietly();
        }
    }

    /** After a prune: drops the days it emptied; a failure only delays that to the maintenance task. */
    private void dropPrunedQuietly() {
        try {
            work("drop pruned partitions", c -> partitions.dropPruned(c, DROP_LOCK_TIMEOUT_MS));
        } catch (RuntimeException e) {
            maintenanceFailures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "postgresql: dropping pruned partitions failed (retried by the "
                    + "maintenance task): " + e.getMessage());
        }
    }

    // ---- budget-alert outbox (dev.tally.audit.alert): not behind the writer, each its own transaction ----

    @Override
    public void alertRules(dev.tally.audit.alert.AlertRules rules) {
        crossings.rules(rules);
    }

    @Override
    public List<dev.tally.audit.alert.BudgetAlert> claimAlerts(String owner, Instant now, Duration lease, int max) {
        return work("claim alerts", c -> dev.tally.audit.alert.AlertRows.claim(c, true, owner, now, lease, max));
    }

    @Override
    public boolean alertDelivered(String id, String owner, int attempts, Instant at) {
        return work("alert delivered", c -> dev.tally.audit.alert.AlertRows.delivered(c, id, owner, attempts, at));
    }

    @Override
    public boolean alertRetry(String id, String owner, int attempts, Instant next, String error) {
        return work("alert retry", c -> dev.tally.audit.alert.AlertRows.retry(c, id, owner, attempts, next, error));
    }

    @Override
    public boolean alertFailed(String id, String owner, int attempts, Instant at, String error) {
        return work("alert failed", c -> dev.tally.audit.alert.AlertRows.failed(c, id, owner, attempts, at, error));
    }

    @Override
    public List<dev.tally.audit.alert.BudgetAlert> alerts(dev.tally.audit.alert.AlertState state, int limit) {
        return work("alerts", c -> dev.tally.audit.alert.AlertRows.list(c, state, limit));
    }

    @Override
    public synchronized void registerSigningKey(String keyId, String publicKeyBase64) {
        work("register signing key", c -> {
            AdminWrites.registerSigningKey(c, keyId, publicKeyBase64);
            return null;
        });
    }

    @Override
    public synchronized void probeWrite(String keyId, String publicKeyBase64) {
        work("probe write", c -> {
            c.setAutoCommit(false);
            try {
                AdminWrites.registerSigningKey(c, keyId, publicKeyBase64);
                AdminWrites.scratchWrite(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                pool.rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return null;
        });
    }

    @Override
    public Optional<ChainHead> prunableThrough(String chain, Instant before) {
        return inTransaction("prunable", c -> ChainRows.prunableThrough(c, chain, before.toEpochMilli()));
    }

    /** {@inheritDoc} Chunks of {@value #PAYLOAD_CHUNK}, oldest first, each in its own transaction. */
    @Override
    public long prunePayloads(Instant before) {
        long total = 0;
        while (true) {
            int deleted = work("prune payloads", c -> dev.tally.audit.store.jdbc.Dialect.POSTGRES
                    .deletePayloadsBefore(c, before.toEpochMilli(), PAYLOAD_CHUNK));
            total += deleted;
            if (deleted < PAYLOAD_CHUNK) {
                return total;
            }
        }
    }

    @Override
    public List<CallOpening> openings(String chain) {
        return work("openings", c -> ChainRows.openings(c, chain));
    }

    // ---- reading ----

    @Override
    public Optional<ChainedEntry> entry(String id) {
        return work("entry", c -> ChainRows.entry(c, Dialect.POSTGRES, id));
    }

    @Override
    public Optional<StoredPayload> payload(String callId) {
        return work("payload", c -> dev.tally.audit.store.jdbc.PayloadRows.read(c, callId));
    }

    @Override
    public Page<ChainedEntry> calls(CallQuery query) {
        return work("calls", c -> dev.tally.audit.store.jdbc.EntryQueries.calls(c, dev.tally.audit.store.jdbc.Dialect.POSTGRES, query));
    }

    @Override
    public Page<ChainedEntry> events(EventQuery query) {
        return work("events", c -> dev.tally.audit.store.jdbc.EntryQueries.events(c, dev.tally.audit.store.jdbc.Dialect.POSTGRES, query));
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        return work("usage", c -> PostgresUsage.usage(c, query));
    }

    @Override
    public List<dev.tally.audit.adjust.CostAdjustment> adjustments(dev.tally.audit.adjust.AdjustmentFilter filter) {
        return work("adjustments", c -> dev.tally.audit.store.jdbc.AdjustmentRows.read(c, filter));
    }

    @Override
    public List<String> adjustmentsWithBadDelta() {
        return work("adjustments", dev.tally.audit.store.jdbc.AdjustmentRows::badDeltas);
    }

    @Override
    public List<String> chains() {
        return work("chains", PostgresReads::chains);
    }

    /** {@inheritDoc} Reads one snapshot through a cursor, so memory stays constant for any chain length. */
    @Override
    public void scan(String chain, Consumer<StoredRow> sink) {
        inTransaction("scan", c -> ChainRows.scanFrom(c, Dialect.POSTGRES, chain, 1, sink));
    }

    @Override
    public List<SignedHead> checkpoints(String chain) {
        return work("checkpoints", c -> dev.tally.audit.store.HeadRows.checkpoints(c, chain));
    }

    @Override
    public Optional<SignedHead> checkpointAtOrBefore(String chain, long seq) {
        return work("checkpoint", c -> dev.tally.audit.store.HeadRows.checkpointAtOrBefore(c, chain, seq));
    }

    @Override
    public Optional<dev.tally.audit.chain.MerkleFrontier> frontier(String chain, long seq) {
        return work("frontier", c -> dev.tally.audit.store.HeadRows.frontier(c, chain, seq));
    }

    /** {@inheritDoc} Reads the (chain, seq) index and the hash column only. */
    @Override
    public void entryHashes(String chain, long fromSeq, long toSeq, java.util.function.ObjLongConsumer<String> sink) {
        inTransaction("entry hashes", c -> {
            dev.tally.audit.store.HeadRows.entryHashes(c, chain, ChainRows.anchorSeq(c, chain), fromSeq, toSeq, sink);
            return null;
        });
    }

    @Override
    public void scanFrom(String chain, long fromSeq, Consumer<StoredRow> sink) {
        inTransaction("scan", c -> ChainRows.scanFrom(c, Dialect.POSTGRES, chain, fromSeq, sink));
    }

    @Override
    public Optional<SignedHead> anchor(String chain) {
        return work("anchor", c -> dev.tally.audit.store.HeadRows.anchor(c, chain));
    }

    @Override
    public Map<String, String> signingKeys() {
        return work("signing keys", PortableReads::signingKeys);
    }

    // ---- derived rows (verify --deep, retention's rollup digest) ----

    /** {@inheritDoc} One repeatable-read transaction: one snapshot, streamed through cursors. */
    @Override
    public void readDerived(String chain, DerivedRows.Visitor visitor) {
        inTransaction("deep read", c -> {
            FoldedRollupRows rollups = new FoldedRollupRows(c, chain);
            return DerivedReads.readDerived(c, Dialect.POSTGRES, chain, visitor, rollups::read);
        });
    }

    @Override
    public void rollupRows(String chain, dev.tally.audit.rollup.RollupTable table, long before,
            Consumer<dev.tally.audit.rollup.RollupRow> sink) {
        inTransaction("rollup rows", c -> {
            new FoldedRollupRows(c, chain).read(table, before, sink);
            return null;
        });
    }

    @Override
    public void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) {
        inTransaction("calls before", c -> DerivedReads.calls(c, Dialect.POSTGRES, chain, afterSeq, before, sink));
    }

    /** {@inheritDoc} One repeatable-read transaction: one snapshot. */
    @Override
    public <T> T inSnapshot(String what, dev.tally.audit.store.SnapshotReads.Work<T> work) {
        return inTransaction(what, c -> work.run(new FoldedSnapshot(c)));
    }

    @Override
    public long strayTagRows() {
        return work("stray tag rows", c -> DerivedReads.strayTagRows(c, Dialect.POSTGRES));
    }

    // ---- keys and settings ----

    @Override
    public Optional<VirtualKey> keyBySecretHash(String secretHash) {
        return work("key", c -> dev.tally.audit.store.jdbc.KeyRows.byColumn(c, "secret_hash", secretHash));
    }

    @Override
    public Optional<VirtualKey> key(String id) {
        return work("key", c -> dev.tally.audit.store.jdbc.KeyRows.byColumn(c, "id", id));
    }

    @Override
    public Optional<VirtualKey> keyByName(String name) {
        return work("key", c -> dev.tally.audit.store.jdbc.KeyRows.byColumn(c, "name", name));
    }

    @Override
    public List<VirtualKey> keys() {
        return work("keys", dev.tally.audit.store.jdbc.KeyRows::all);
    }

    @Override
    public Optional<String> setting(String name) {
        return work("setting", c -> PortableReads.setting(c, name));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        maintenance.shutdownNow();
        folds.close();
        if (wrote) {
            // Leave the rollups complete for readers of a fleet that stops; not needed for exactness.
            try {
                folds.foldAll(true);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "postgresql: folding usage rollups at close failed (the next "
                        + "folder of any instance folds them): " + e.getMessage());
            }
        }
        pool.close();
    }

    // ---- internals ----

    private <T> T work(String what, PostgresPool.Work<T> work) {
        return pool.work(what, work);
    }

    private <T> T inTransaction(String what, PostgresPool.Work<T> work) {
        return pool.inTransaction(what, work);
    }
}
