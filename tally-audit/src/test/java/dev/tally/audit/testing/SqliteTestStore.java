package dev.tally.audit.testing;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
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
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.WriteBatch;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real {@link SqliteAuditStore} in a temporary directory of its own, behind fault switches, for
 * recorder and verifier tests: while {@link #failing} is set every write throws
 * {@link StoreException} and nothing changes; while {@link #readsFailing} is set reads throw too
 * (a store that is gone); {@link #holdCommits} makes commits wait (a slow store). Everything else
 * is the real store, so what the recorder writes is checked by the same SQL, constraints and
 * chain checks as in production; the hash and range reads ({@code entryHashes}, {@code scanFrom},
 * {@code checkpointAtOrBefore}) go through {@link #scan} and {@link #checkpoints}, so a subclass
 * that tampers with those is seen by every reader. Closing it closes the store and deletes the directory.
 * Thread-safe, as the real store is.
 */
public class SqliteTestStore implements AuditStore {

    /** While true, writes fail with a StoreException. */
    public volatile boolean failing;
    /** While true, reads fail too (a store that is completely gone). */
    public volatile boolean readsFailing;
    /** When set, every commit waits for it before doing anything: a slow store. */
    public volatile CountDownLatch holdCommits;
    /** Released once each time a commit starts. */
    public final Semaphore commitEntered = new Semaphore(0);

    private final Path dir;
    private final SqliteAuditStore real;
    private int commits; // guarded by this

    /** Opens a new, empty store in a new temporary directory. */
    public SqliteTestStore() {
        try {
            dir = Files.createTempDirectory("tally-test-store-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        real = SqliteAuditStore.open(dir.resolve("tally.db"));
    }

    private void write() {
        if (failing) {
            throw new StoreException("store: injected failure");
        }
    }

    private void read() {
        if (readsFailing) {
            throw new StoreException("store: injected read failure");
        }
    }

    /** Commits that succeeded. */
    public synchronized int commits() {
        return commits;
    }

    /** Every entry of the chain in seq order, read back from the store. */
    public List<ChainedEntry> entries(String chain) {
        List<ChainedEntry> rows = new ArrayList<>();
        real.scan(chain, row -> rows.add(new ChainedEntry(row.chain(), row.seq(), row.prevHash(), row.hash(),
                EntryHasher.parse(row.body()), row.body())));
        return rows;
    }

    @Override
    public ChainHead head(String chain) {
        read();
        return real.head(chain);
    }

    @Override
    public void commit(WriteBatch batch) {
        commitEntered.release();
        CountDownLatch hold = holdCommits;
        if (hold != null) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("store: interrupted");
            }
        }
        synchronized (this) {
            write();
            real.commit(batch);
            commits++;
        }
    }

    @Override
    public void registerSigningKey(String keyId, String publicKeyBase64) {
        write();
        real.registerSigningKey(keyId, publicKeyBase64);
    }

    @Override
    public Optional<ChainHead> prunableThrough(String chain, Instant before) {
        read();
        return real.prunableThrough(chain, before);
    }

    @Override
    public long prunePayloads(Instant before) {
        write();
        return real.prunePayloads(before);
    }

    @Override
    public List<CallOpening> openings(String chain) {
        read();
        return real.openings(chain);
    }

    @Override
    public Optional<ChainedEntry> entry(String id) {
        read();
        return real.entry(id);
    }

    @Override
    public Optional<StoredPayload> payload(String callId) {
        read();
        return real.payload(callId);
    }

    @Override
    public Page<ChainedEntry> calls(CallQuery query) {
        read();
        return real.calls(query);
    }

    @Override
    public Page<ChainedEntry> events(EventQuery query) {
        read();
        return real.events(query);
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        read();
        return real.usage(query);
    }

    @Override
    public java.util.List<dev.tally.audit.adjust.CostAdjustment> adjustments(
            dev.tally.audit.adjust.AdjustmentFilter filter) {
        read();
        return real.adjustments(filter);
    }

    @Override
    public List<String> chains() {
        read();
        return real.chains();
    }

    @Override
    public void scan(String chain, Consumer<StoredRow> sink) {
        read();
        real.scan(chain, sink);
    }

    @Override
    public List<SignedHead> checkpoints(String chain) {
        read();
        return real.checkpoints(chain);
    }

    @Override
    public Optional<SignedHead> anchor(String chain) {
        read();
        return real.anchor(chain);
    }

    @Override
    public Optional<MerkleFrontier> frontier(String chain, long seq) {
        read();
        return real.frontier(chain, seq);
    }

    @Override
    public Map<String, String> signingKeys() {
        read();
        return real.signingKeys();
    }

    @Override
    public Optional<VirtualKey> keyBySecretHash(String secretHash) {
        read();
        return real.keyBySecretHash(secretHash);
    }

    @Override
    public Optional<VirtualKey> key(String id) {
        read();
        return real.key(id);
    }

    @Override
    public Optional<VirtualKey> keyByName(String name) {
        read();
        return real.keyByName(name);
    }

    @Override
    public List<VirtualKey> keys() {
        read();
        return real.keys();
    }

    @Override
    public Optional<String> setting(String name) {
        read();
        return real.setting(name);
    }

    /** Closes the store and deletes its directory. */
    @Override
    public void close() {
        real.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
