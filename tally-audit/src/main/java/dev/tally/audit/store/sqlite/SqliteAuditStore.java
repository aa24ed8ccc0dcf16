package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
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
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.WriteBatch;
import dev.tally.audit.store.jdbc.AdminWrites;
import dev.tally.audit.store.jdbc.ChainRows;
import dev.tally.audit.store.jdbc.DerivedReads;
import dev.tally.audit.store.jdbc.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import dev.tally.audit.files.PrivateFiles;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded {@link AuditStore}: one SQLite file in WAL mode.
 *
 * <h2>Connections and durability</h2>
 * One writer connection, used only by {@link #commit} and {@link #registerSigningKey} under a
 * lock, runs each batch as one {@code BEGIN IMMEDIATE} transaction and holds no lock between
 * batches, so another process (the CLI, a second gateway on the same file, writing its own
 * chain) can write too. Readers use their own connections ({@link ReaderPool}) and, in WAL
 * mode, neither block the writer nor wait for it, also when the writer is another process. {@code synchronous=NORMAL}: a commit is written to
 * the WAL before {@link #commit} returns but the WAL is fsynced only at checkpoints. A commit
 * therefore survives a crash of the process (the OS still has the pages); an OS crash or power
 * loss may lose the most recent commits since the last WAL checkpoint, never corrupting the
 * database — the hash chain then simply ends earlier, and the writer continues from
 * {@link #head}. The commit point of a batch is its WAL commit frame. Checkpoints (copying the
 * WAL into the database, with the fsyncs) run on a background thread ({@link WalCheckpointer})
 * so the writer spends its time on inserts.
 *
 * <h2>Schema (version 2, {@code db/sqlite/V1__init.sql} and {@code V2__merkle_heads.sql}; versioned by
 * Flyway, see {@link SqliteSchema})</h2>
 * <pre>
 * entries      row_id INTEGER PK, chain, seq, id, kind ('call'|'security'|'admin'), ts (epoch ms),
 *              key_id, model, provider, status, user_id, event_type, prev_hash, hash (64 hex),
 *              body BLOB = the canonical bytes exactly as hashed ({@link EntryHasher});
 *              UNIQUE (chain, seq). The other columns are copies of body fields for indexing.
 *              Indexes: (id); (ts), (key_id, ts), (model, ts) WHERE kind = 'call';
 *              (ts), (event_type, ts) WHERE kind &lt;&gt; 'call'. Ids are UUIDv7 and entries
 *              arrive in time order, so each index grows at its right edge (per key or model
 *              for the composite ones) and a batch touches few pages.
 * call_tags    (name, value, row_id) PK, WITHOUT ROWID: the tags of call rows, for tag filters
 * openings     id PK, chain, ts, body (canonical bytes of the opening's CallRecord)
 * checkpoints  (chain, seq) PK, hash, at, key_id, signature, root, prev_head, closed, next_key,
 *              frontier: signed tree heads (root NULL: a v1 head); see docs/integrity.md
 * anchors      chain PK, seq, hash, at, key_id, signature, root, frontier, rollup_digest:
 *              retention anchors
 * signing_keys key_id PK, public_key (base64 X.509)
 * virtual_keys id PK, name UNIQUE, secret_hash UNIQUE (hex SHA-256; the secret is never stored),
 *              prefix, allowed_models (JSON array), limits, budget, expires_at, enabled,
 *              payload_policy, tags (JSON object), created_at, revoked_at (epoch ms)
 * settings     name PK, value
 * rollups           (hour, chain, key_id, model, provider, status) PK, WITHOUT ROWID;
 *                   calls, input/cached_input/cache_write/output/reasoning token sums (known
 *                   values only), cost_micros (priced calls), unpriced_calls,
 *                   latency_count/_sum/_hist, ttft_count/_sum/_hist (hist =
 *                   {@link dev.tally.audit.rollup.LatencyHistogram} bytes, NULL when no sample).
 *                   '' stands for an absent dimension value.
 * model_rollups     the measures per (hour, chain, model, provider, status) PK
 * model_day_rollups the measures and calls per status per (day, chain, model, provider) PK
 * day_rollups       the same measures plus calls per status (success, errors, refused,
 *                   cancelled, interrupted) per (day, chain, key_id, model, provider) PK
 * user_rollups      the measures per (hour, chain, user_id, status) PK
 * user_day_rollups  the measures and calls per status per (day, chain, user_id) PK
 * tag_rollups       the measures per (tag_name, hour, chain, tag_value, model, provider,
 *                   status) PK; a call with n tags adds to n rows
 * tag_day_rollups   the measures and calls per status per (tag_name, day, chain, tag_value,
 *                   model, provider) PK
 *                   (all rollup tables WITHOUT ROWID; see {@link dev.tally.audit.rollup.RollupTable}
 *                   and {@link dev.tally.audit.rollup.UsagePlan} for which report reads which)
 * </pre>
 * The user column is {@code user_id} because {@code USER} is reserved in PostgreSQL. A database
 * whose version is newer than {@link SqliteSchema#CURRENT_VERSION} is refused at open.
 *
 * <p>As {@link DerivedRows} it hands out its rollup and tag rows for {@code verify --deep}, each
 * chain read in one read transaction (one WAL snapshot).
 *
 * <p>Thread-safe. Blocking: every method returns when its SQL has completed.
 */
public final class SqliteAuditStore implements DerivedRows, dev.tally.audit.alert.AlertOutbox {

    private static final System.Logger LOG = System.getLogger(SqliteAuditStore.class.getName());
    /** Payloads deleted per transaction by {@link #prunePayloads}. */
    static final int PAYLOAD_PRUNE_CHUNK = 1_000;

    private final String file;
    private final Connection writer; // guarded by this
    private final SqliteWriter writes; // guarded by this
    private final ReaderPool readers;
    private final WalCheckpointer checkpointer;
    private final dev.tally.audit.alert.BudgetCrossings crossings;
    private boolean closed; // guarded by this

    private SqliteAuditStore(String file, Connection writer, SqliteWriter writes, ReaderPool readers,
            WalCheckpointer checkpointer, dev.tally.audit.alert.BudgetCrossings crossings) {
        this.crossings = crossings;
        this.file = file;
        this.writer = writer;
        this.writes = writes;
        this.readers = readers;
        this.checkpointer = checkpointer;
    }

    /**
     * Opens (creating if needed) the database at {@code path}, creating the schema in an empty
     * file: a new file starts as a copy of the template when one is set ({@link SqliteTemplate}),
     * else Flyway creates the schema.
     *
     * @throws StoreException when the file cannot be opened, is not a Tally database, or was
     *     written by a newer schema version
     */
    public static SqliteAuditStore open(Path path) {
        Path absolute = path.toAbsolutePath();
        String url = "jdbc:sqlite:" + absolute;
        Connection writer = null;
        try {
            if (absolute.getParent() != null) {
                PrivateFiles.createDirectories(absolute.getParent());
            }
            // A new store starts as a copy of the template Flyway made, when there is one.
            SqliteTemplate.placeIfNew(absolute);
            // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the
            // database file's mode.
            PrivateFiles.ensureFile(absolute);
            PrivateFiles.restrict(absolute.resolveSibling(absolute.getFileName() + "-wal"));
            PrivateFiles.restrict(absolute.resolveSibling(absolute.getFileName() + "-shm"));
            writer = DriverManager.getConnection(url, connectionConfig().toProperties());
            SqliteSchema.migrate(writer, absolute.toString());
            try (Statement s = writer.createStatement()) {
                // Checkpoints run on the checkpointer's thread; the writer only steps in as a
                // backstop if that falls far behind.
                s.execute("PRAGMA wal_autocheckpoint = " + WalCheckpointer.WRITER_BACKSTOP_PAGES);
                s.execute("PRAGMA journal_size_limit = " + WalCheckpointer.WAL_SIZE_LIMIT_BYTES);
            }
            dev.tally.audit.alert.BudgetCrossings crossings = new dev.tally.audit.alert.BudgetCrossings();
            SqliteWriter writes = new SqliteWriter(writer, crossings);
            WalCheckpointer checkpointer = WalCheckpointer.start(url, absolute.toString());
            return new SqliteAuditStore(absolute.toString(), writer, writes, new ReaderPool(url), checkpointer,
                    crossings);
        } catch (SQLException | java.io.IOException e) {
            closeQuietly(writer);
            throw new StoreException("sqlite: cannot open " + absolute + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    /** The writer connection's settings (also the template's, {@link SqliteTemplate#make}). */
    static org.sqlite.SQLiteConfig connectionConfig() {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.setTempStore(org.sqlite.SQLiteConfig.TempStore.MEMORY);
        config.setCacheSize(-32_768); // 32 MiB of page cache for the writer's index pages
        return config;
    }

    /** The database file. */
    public String file() {
        return file;
    }

    // ---- writing ----

    @Override
    public ChainHead head(String chain) {
        return readers.read("head", c -> SqliteReads.head(c, chain));
    }

    @Override
    public void pace(java.util.function.BooleanSupplier keepingUp) {
        writes.pace(keepingUp);
    }

    @Override
    public synchronized void commit(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            transaction("commit", () -> {
                writes.write(batch);
                return null;
            });
        } catch (RuntimeException e) {
            writes.rolledBack();
            throw e;
        }
        writes.committed();
    }

    // ---- budget-alert outbox (dev.tally.audit.alert) ----

    @Override
    public void alertRules(dev.tally.audit.alert.AlertRules rules) {
        crossings.rules(rules);
    }

    @Override
    public synchronized List<dev.tally.audit.alert.BudgetAlert> claimAlerts(String owner, Instant now,
            java.time.Duration lease, int max) {
        return transaction("claim alerts", () -> dev.tally.audit.alert.AlertRows.claim(writer, false, owner, now, lease, max));
    }

    @Override
    public synchronized boolean alertDelivered(String id, String owner, int attempts, Instant at) {
        return transaction("alert delivered", () -> dev.tally.audit.alert.AlertRows.delivered(writer, id, owner, attempts, at));
    }

    @Override
    public synchronized boolean alertRetry(String id, String owner, int attempts, Instant next, String error) {
        return transaction("alert retry", () -> dev.tally.audit.alert.AlertRows.retry(writer, id, owner, attempts, next, error));
    }

    @Override
    public synchronized boolean alertFailed(String id, String owner, int attempts, Instant at, String error) {
        return transaction("alert failed", () -> dev.tally.audit.alert.AlertRows.failed(writer, id, owner, attempts, at, error));
    }

    @Override
    public List<dev.tally.audit.alert.BudgetAlert> alerts(dev.tally.audit.alert.AlertState state, int limit) {
        return readers.read("alerts", c -> dev.tally.audit.alert.AlertRows.list(c, state, limit));
    }

    @Override
    public synchronized void registerSigningKey(String keyId, String publicKeyBase64) {
        transaction("register signing key", () -> {
            AdminWrites.registerSigningKey(writer, keyId, publicKeyBase64);
            return null;
        });
    }

    @Override
    public synchronized void probeWrite(String keyId, String publicKeyBase64) {
        transaction("probe write", () -> {
            AdminWrites.registerSigningKey(writer, keyId, publicKeyBase64);
            AdminWrites.scratchWrite(writer);
            return null;
        });
    }

    @Override
    public Optional<ChainHead> prunableThrough(String chain, Instant before) {
        return readers.read("prunable", c -> ChainRows.prunableThrough(c, chain, before.toEpochMilli()));
    }

    /**
     * {@inheritDoc} Deletes {@value #PAYLOAD_PRUNE_CHUNK} rows per transaction and releases the
     * writer lock between chunks, so the recorder's commits interleave with a long prune.
     */
    @Override
    public long prunePayloads(Instant before) {
        long total = 0;
        int deleted;
        do {
            synchronized (this) {
                deleted = transaction("prune payloads",
                        () -> dev.tally.audit.store.jdbc.Dialect.SQLITE.deletePayloadsBefore(writer, before.toEpochMilli(),
                                PAYLOAD_PRUNE_CHUNK));
            }
            total += deleted;
        } while (deleted == PAYLOAD_PRUNE_CHUNK);
        return total;
    }

    @Override
    public List<CallOpening> openings(String chain) {
        return readers.read("openings", c -> ChainRows.openings(c, chain));
    }

    // ---- reading ----

    @Override
    public Optional<ChainedEntry> entry(String id) {
        return readers.read("entry", c -> ChainRows.entry(c, Dialect.SQLITE, id));
    }

    @Override
    public Optional<dev.tally.audit.store.StoredPayload> payload(String callId) {
        return readers.read("payload", c -> dev.tally.audit.store.jdbc.PayloadRows.read(c, callId));
    }

    @Override
    public Page<ChainedEntry> calls(CallQuery query) {
        return readers.read("calls", c -> dev.tally.audit.store.jdbc.EntryQueries.calls(c, dev.tally.audit.store.jdbc.Dialect.SQLITE, query));
    }

    @Override
    public Page<ChainedEntry> events(EventQuery query) {
        return readers.read("events", c -> dev.tally.audit.store.jdbc.EntryQueries.events(c, dev.tally.audit.store.jdbc.Dialect.SQLITE, query));
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        return readers.read("usage", c -> SqliteUsage.usage(c, query));
    }

    @Override
    public List<dev.tally.audit.adjust.CostAdjustment> adjustments(dev.tally.audit.adjust.AdjustmentFilter filter) {
        return readers.read("adjustments", c -> dev.tally.audit.store.jdbc.AdjustmentRows.read(c, filter));
    }

    @Override
    public List<String> adjustmentsWithBadDelta() {
        return readers.read("adjustments", dev.tally.audit.store.jdbc.AdjustmentRows::badDeltas);
    }

    @Override
    public List<String> chains() {
        return readers.read("chains", SqliteReads::chains);
    }

    /** {@inheritDoc} Reads one snapshot through a cursor, so memory stays constant for any chain length. */
    @Override
    public void scan(String chain, Consumer<StoredRow> sink) {
        readers.read("scan", c -> ChainRows.scanFrom(c, Dialect.SQLITE, chain, 1, sink));
    }

    @Override
    public List<SignedHead> checkpoints(String chain) {
        return readers.read("checkpoints", c -> dev.tally.audit.store.HeadRows.checkpoints(c, chain));
    }

    @Override
    public Optional<SignedHead> checkpointAtOrBefore(String chain, long seq) {
        return readers.read("checkpoint", c -> dev.tally.audit.store.HeadRows.checkpointAtOrBefore(c, chain, seq));
    }

    @Override
    public Optional<dev.tally.audit.chain.MerkleFrontier> frontier(String chain, long seq) {
        return readers.read("frontier", c -> dev.tally.audit.store.HeadRows.frontier(c, chain, seq));
    }

    /** {@inheritDoc} Reads the (chain, seq) index and the hash column only. */
    @Override
    public void entryHashes(String chain, long fromSeq, long toSeq, java.util.function.ObjLongConsumer<String> sink) {
        readers.read("entry hashes", c -> {
            dev.tally.audit.store.HeadRows.entryHashes(c, chain, 0L, fromSeq, toSeq, sink);
            return null;
        });
    }

    @Override
    public void scanFrom(String chain, long fromSeq, Consumer<StoredRow> sink) {
        readers.read("scan", c -> ChainRows.scanFrom(c, Dialect.SQLITE, chain, fromSeq, sink));
    }

    @Override
    public Optional<SignedHead> anchor(String chain) {
        return readers.read("anchor", c -> dev.tally.audit.store.HeadRows.anchor(c, chain));
    }

    @Override
    public Map<String, String> signingKeys() {
        return readers.read("signing keys", PortableReads::signingKeys);
    }

    // ---- derived rows (verify --deep, retention's rollup digest) ----

    @Override
    public void readDerived(String chain, DerivedRows.Visitor visitor) {
        readers.read("deep read", c -> {
            c.setAutoCommit(false); // one read transaction: one WAL snapshot
            try {
                return DerivedReads.readDerived(c, Dialect.SQLITE, chain, visitor);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        });
    }

    @Override
    public void rollupRows(String chain, dev.tally.audit.rollup.RollupTable table, long before,
            Consumer<dev.tally.audit.rollup.RollupRow> sink) {
        readers.read("rollup rows", c -> DerivedReads.rollupRows(c, chain, table, before, sink));
    }

    @Override
    public void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) {
        readers.read("calls before", c -> DerivedReads.calls(c, Dialect.SQLITE, chain, afterSeq, before, sink));
    }

    /** {@inheritDoc} One read transaction on a reader connection: one WAL snapshot. */
    @Override
    public <T> T inSnapshot(String what, dev.tally.audit.store.SnapshotReads.Work<T> work) {
        return readers.read(what, c -> {
            c.setAutoCommit(false);
            try {
                return work.run(new DerivedReads.Snapshot(c, Dialect.SQLITE));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        });
    }

    @Override
    public long strayTagRows() {
        return readers.read("stray tag rows", c -> DerivedReads.strayTagRows(c, Dialect.SQLITE));
    }

    // ---- keys and settings ----

    @Override
    public Optional<VirtualKey> keyBySecretHash(String secretHash) {
        return readers.read("key", c -> dev.tally.audit.store.jdbc.KeyRows.byColumn(c, "secret_hash", secretHash));
    }

    @Override
    public Optional<VirtualKey> key(String id) {
        return readers.read("key", c -> dev.tally.audit.store.jdbc.KeyRows.byColumn(c, "id", id));
    }

    @Override
    public Optional<VirtualKey> keyByName(String name) {
        return readers.read("key", c -> dev.tally.audit.store.jdbc.KeyRows.byColumn(c, "name", name));
    }

    @Override
    public List<VirtualKey> keys() {
        return readers.read("keys", dev.tally.audit.store.jdbc.KeyRows::all);
    }

    @Override
    public Optional<String> setting(String name) {
        return readers.read("setting", c -> PortableReads.setting(c, name));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        checkpointer.close();
        readers.close();
        try {
            writes.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "sqlite: closing statements of " + file + " failed: " + e.getMessage());
        }
        closeQuietly(writer);
    }

    // ---- internals ----

    /** Runs writer work; caller holds the lock. SQL faults become {@link StoreException}. */
    private <T> T write(String what, WriterWork<T> work) {
        if (closed) {
            throw new StoreException("sqlite: " + what + " on closed store " + file);
        }
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StoreException("sqlite: " + what + " failed on " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs writer work in one write transaction, rolled back when it throws; caller holds the
     * lock. The writer stays in auto-commit mode between transactions and takes the write lock
     * only here ({@code BEGIN IMMEDIATE}, so a busy database is waited for up to the busy timeout
     * at the start instead of failing mid-batch), never holding it while idle.
     */
    private <T> T transaction(String what, WriterWork<T> work) {
        return write(what, () -> {
            exec("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                exec("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback();
                throw e;
            }
        });
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollback() {
        try {
            exec("ROLLBACK");
        } catch (SQLException e) {
            // SQLite rolls a transaction back by itself when a commit fails for a full disk or an
            // I/O error: nothing is left to roll back, and saying so on every retry is noise.
            if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                LOG.log(System.Logger.Level.WARNING, "sqlite: rollback on " + file + " failed: " + e.getMessage());
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "sqlite: close failed: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface WriterWork<T> {
        T run() throws SQLException;
    }
}
