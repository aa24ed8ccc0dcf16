package dev.tally.audit.testing;

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
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.WriteBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real store behind a switch: while {@link #down} is set, every write throws
 * {@link StoreException} before reaching the store (a disk that went read-only, a lost database
 * connection). Reads pass through. Thread-safe if the real store is.
 */
public final class FaultyStore implements AuditStore {

    public volatile boolean down;
    /** When set, every commit first waits for it (after counting {@link #committing} down). */
    public volatile java.util.concurrent.CountDownLatch commitGate;
    /** Counted down by a commit that reached {@link #commitGate}. */
    public final java.util.concurrent.CountDownLatch committing = new java.util.concurrent.CountDownLatch(1);
    /** What the recorder gave {@link #pace}; forwarded to the real store. */
    public volatile java.util.function.BooleanSupplier keepingUp;
    private final AuditStore real;

    public FaultyStore(AuditStore real) {
        this.real = real;
    }

    private void writable() {
        if (down) {
            throw new StoreException("store: attempt to write a readonly database (injected)");
        }
    }

    @Override
    public ChainHead head(String chain) {
        return real.head(chain);
    }

    @Override
    public void commit(WriteBatch batch) {
        writable();
        java.util.concurrent.CountDownLatch gate = commitGate;
        if (gate != null) {
            committing.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("store: interrupted at the test's commit gate", e);
            }
        }
        real.commit(batch);
    }

    @Override
    public void pace(java.util.function.BooleanSupplier keepingUp) {
        this.keepingUp = keepingUp;
        real.pace(keepingUp);
    }

    @Override
    public void registerSigningKey(String keyId, String publicKeyBase64) {
        writable();
        real.registerSigningKey(keyId, publicKeyBase64);
    }

    @Override
    public Optional<ChainHead> prunableThrough(String chain, Instant before) {
        return real.prunableThrough(chain, before);
    }

    @Override
    public long prunePayloads(Instant before) {
        writable();
        return real.prunePayloads(before);
    }

    @Override
    public List<CallOpening> openings(String chain) {
        return real.openings(chain);
    }

    @Override
    public Optional<ChainedEntry> entry(String id) {
        return real.entry(id);
    }

    @Override
    public Page<ChainedEntry> calls(CallQuery query) {
        return real.calls(query);
    }

    @Override
    public Page<ChainedEntry> events(EventQuery query) {
        return real.events(query);
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        return real.usage(query);
    }

    @Override
    public java.util.List<dev.tally.audit.adjust.CostAdjustment> adjustments(
            dev.tally.audit.adjust.AdjustmentFilter filter) {
        return real.adjustments(filter);
    }

    @Override
    public List<String> chains() {
        return real.chains();
    }

    @Override
    public void scan(String chain, Consumer<StoredRow> sink) {
        real.scan(chain, sink);
    }

    @Override
    public List<SignedHead> checkpoints(String chain) {
        return real.checkpoints(chain);
    }

    @Override
    public Optional<SignedHead> anchor(String chain) {
        return real.anchor(chain);
    }

    @Override
    public Optional<SignedHead> checkpointAtOrBefore(String chain, long seq) {
        return real.checkpointAtOrBefore(chain, seq);
    }

    @Override
    public Optional<dev.tally.audit.chain.MerkleFrontier> frontier(String chain, long seq) {
        return real.frontier(chain, seq);
    }

    @Override
    public void entryHashes(String chain, long fromSeq, long toSeq, java.util.function.ObjLongConsumer<String> sink) {
        real.entryHashes(chain, fromSeq, toSeq, sink);
    }

    @Override
    public void scanFrom(String chain, long fromSeq, Consumer<StoredRow> sink) {
        real.scanFrom(chain, fromSeq, sink);
    }

    @Override
    public Map<String, String> signingKeys() {
        return real.signingKeys();
    }

    @Override
    public Optional<VirtualKey> keyBySecretHash(String secretHash) {
        return real.keyBySecretHash(secretHash);
    }

    @Override
    public Optional<VirtualKey> key(String id) {
        return real.key(id);
    }

    @Override
    public Optional<VirtualKey> keyByName(String name) {
        return real.keyByName(name);
    }

    @Override
    public List<VirtualKey> keys() {
        return real.keys();
    }

    @Override
    public Optional<dev.tally.audit.store.StoredPayload> payload(String callId) {
        return real.payload(callId);
    }

    @Override
    public Optional<String> setting(String name) {
        return real.setting(name);
    }

    @Override
    public void close() {
        real.close();
    }
}
