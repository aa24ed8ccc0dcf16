package dev.tally.audit.recorder;

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
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A hand-written in-memory {@link AuditStore} for recorder tests, with fault injection: while
 * {@link #failing} is set, every write throws {@link StoreException} and nothing changes. It
 * checks what a real store checks (seq continues the head, prev_hash links, ids unique, key names
 * unique) so a recorder bug shows up as a failed commit. Queries for the admin API are not
 * needed by the recorder and throw. Thread-safe: every method is synchronized.
 */
public class MemoryAuditStore implements AuditStore {

    /** While true, writes fail with a StoreException. */
    public volatile boolean failing;
    /** While true, reads fail too (a store that is completely gone). */
    public volatile boolean readsFailing;
    /** When set, every commit waits for it before doing anything: a slow store. */
    public volatile java.util.concurrent.CountDownLatch holdCommits;
    /** Released once each time a commit starts. */
    public final java.util.concurrent.Semaphore commitEntered = new java.util.concurrent.Semaphore(0);

    private final Map<String, TreeMap<Long, ChainedEntry>> chains = new HashMap<>();
    private final Map<String, ChainedEntry> byId = new HashMap<>();
    private final Map<String, LinkedHashMap<String, CallOpening>> openings = new HashMap<>();
    private final Map<String, List<SignedHead>> checkpoints = new HashMap<>();
    private final Map<String, SignedHead> anchors = new HashMap<>();
    /** Stored frontiers by "chain@seq", of checkpoints and anchors. */
    private final Map<String, List<String>> frontiers = new HashMap<>();
    private final Map<String, String> signingKeys = new HashMap<>();
    private final Map<String, VirtualKey> keys = new LinkedHashMap<>();
    private final Map<String, String> settings = new HashMap<>();
    private final Map<String, dev.tally.audit.store.StoredPayload> payloads = new HashMap<>();
    private int commits;

    @Override
    public synchronized ChainHead head(String chain) {
        read();
        TreeMap<Long, ChainedEntry> rows = chains.get(chain);
        if (rows != null && !rows.isEmpty()) {
            ChainedEntry last = rows.lastEntry().getValue();
            return new ChainHead(last.seq(), last.hash());
        }
        SignedHead anchor = anchors.get(chain);
        return anchor == null ? new ChainHead(0, EntryHasher.GENESIS) : new ChainHead(anchor.seq(), anchor.hash());
    }

    @Override
    public void commit(WriteBatch batch) {
        commitEntered.release();
        java.util.concurrent.CountDownLatch hold = holdCommits;
        if (hold != null) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("store: interrupted");
            }
        }
        synchronized (this) {
            doCommit(batch);
        }
    }

    private void doCommit(WriteBatch batch) {
        if (failing) {
            throw new StoreException("store: injected failure");
        }
        // validate everything first: all or nothing
        ChainHead head = head(batch.chain());
        long seq = head.seq();
        String hash = head.hash();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (ChainedEntry entry : batch.entries()) {
            if (entry.seq() != seq + 1 || !entry.prevHash().equals(hash)) {
                throw new StoreException("store: entry seq " + entry.seq() + " does not continue head " + seq);
            }
            if (byId.containsKey(entry.entry().id()) || !ids.add(entry.entry().id())) {
                throw new IllegalArgumentException("id: " + entry.entry().id() + " (expected: unique)");
            }
            seq = entry.seq();
            hash = entry.hash();
        }
        for (dev.tally.audit.store.StoredPayload p : batch.payloads()) {
            boolean ofCall = batch.entries().stream()
                    .anyMatch(e -> e.entry() instanceof CallRecord && e.entry().id().equals(p.callId()));
            if (!ofCall) {
                throw new IllegalArgumentException("payloads: call_id " + p.callId()
                        + " (expected: the id of a call record in the same batch)");
            }
        }
        Map<String, VirtualKey> newKeys = new LinkedHashMap<>(keys);
        for (AdminChange change : batch.changes()) {
            apply(change, newKeys);
        }
        // apply
        LinkedHashMap<String, CallOpening> open = openings.computeIfAbsent(batch.chain(), c -> new LinkedHashMap<>());
        for (CallOpening marker : batch.openings()) {
            open.put(marker.id(), marker);
        }
        TreeMap<Long, ChainedEntry> rows = chains.computeIfAbsent(batch.chain(), c -> new TreeMap<>());
        for (ChainedEntry entry : batch.entries()) {
            rows.put(entry.seq(), entry);
            byId.put(entry.entry().id(), entry);
            if (entry.entry() instanceof CallRecord) {
                open.remove(entry.entry().id());
            }
        }
        keys.clear();
        keys.putAll(newKeys);
        for (AdminChange change : batch.changes()) {
            if (change instanceof AdminChange.Prune prune) {
                anchors.put(batch.chain(), prune.anchor());
                if (prune.frontier() != null) {
                    frontiers.put(batch.chain() + "@" + prune.anchor().seq(), prune.frontier());
                }
                List<SignedHead> heads = checkpoints.getOrDefault(batch.chain(), new ArrayList<>());
                long keep = heads.stream().mapToLong(SignedHead::seq).filter(q -> q <= prune.anchor().seq()).max()
                        .orElse(prune.anchor().seq());
                heads.removeIf(h -> h.seq() < keep);
                rows.headMap(prune.anchor().seq(), true).values().forEach(e -> {
                    byId.remove(e.entry().id());
                    payloads.remove(e.entry().id());
                });
                rows.headMap(prune.anchor().seq(), true).clear();
            } else if (change instanceof AdminChange.PutSetting put) {
                settings.put(put.name(), put.value());
            }
        }
        List<SignedHead> heads = checkpoints.computeIfAbsent(batch.chain(), c -> new ArrayList<>());
        for (SignedHead signed : batch.checkpoints()) {
            heads.removeIf(h -> h.seq() == signed.seq()); // never two heads at one seq: the later replaces
            heads.add(signed);
            heads.sort(java.util.Comparator.comparingLong(SignedHead::seq));
            List<String> frontier = batch.frontiers().get(signed.seq());
            if (frontier != null) {
                frontiers.put(batch.chain() + "@" + signed.seq(), frontier);
            }
        }
        batch.payloads().forEach(p -> payloads.putIfAbsent(p.callId(), p));
        commits++;
    }

    private void apply(AdminChange change, Map<String, VirtualKey> target) {
        switch (change) {
            case AdminChange.CreateKey create -> {
                boolean nameTaken = target.values().stream().anyMatch(k -> k.name().equals(create.key().name()));
                if (nameTaken || target.containsKey(create.key().id())) {
                    throw new IllegalArgumentException("name: '" + create.key().name() + "' (expected: unique)");
                }
                target.put(create.key().id(), create.key());
            }
            case AdminChange.UpdateKey update -> {
                if (!target.containsKey(update.key().id())) {
                    throw new IllegalArgumentException("key: " + update.key().id() + " (expected: an existing key)");
                }
                target.put(update.key().id(), update.key());
            }
            case AdminChange.RevokeKey revoke -> {
                if (!target.containsKey(revoke.keyId())) {
                    throw new IllegalArgumentException("key: " + revoke.keyId() + " (expected: an existing key)");
                }
            }
            case AdminChange.PutSetting ignored -> {
            }
            case AdminChange.Prune ignored -> {
            }
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

    /** Every entry of the chain in seq order. */
    public synchronized List<ChainedEntry> entries(String chain) {
        return new ArrayList<>(chains.getOrDefault(chain, new TreeMap<>()).values());
    }

    @Override
    public synchronized void registerSigningKey(String keyId, String publicKeyBase64) {
        if (failing) {
            throw new StoreException("store: injected failure");
        }
        signingKeys.put(keyId, publicKeyBase64);
    }

    @Override
    public synchronized Optional<ChainHead> prunableThrough(String chain, Instant before) {
        read();
        ChainedEntry last = null;
        for (ChainedEntry entry : chains.getOrDefault(chain, new TreeMap<>()).values()) {
            if (!entry.entry().timestamp().isBefore(before)) {
                break;
            }
            last = entry;
        }
        return last == null ? Optional.empty() : Optional.of(new ChainHead(last.seq(), last.hash()));
    }

    @Override
    public synchronized List<CallOpening> openings(String chain) {
        read();
        return new ArrayList<>(openings.getOrDefault(chain, new LinkedHashMap<>()).values());
    }

    @Override
    public synchronized Optional<ChainedEntry> entry(String id) {
        read();
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Page<ChainedEntry> calls(CallQuery query) {
        throw new UnsupportedOperationException("calls: not kept by the in-memory test store");
    }

    @Override
    public Page<ChainedEntry> events(EventQuery query) {
        throw new UnsupportedOperationException("events: not kept by the in-memory test store");
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        throw new UnsupportedOperationException("usage: not kept by the in-memory test store");
    }

    @Override
    public synchronized List<String> chains() {
        read();
        return new ArrayList<>(chains.keySet());
    }

    @Override
    public void scan(String chain, Consumer<StoredRow> sink) {
        List<ChainedEntry> rows = entries(chain);
        for (ChainedEntry e : rows) {
            sink.accept(new StoredRow(e.chain(), e.seq(), e.prevHash(), e.hash(), EntryHasher.canonicalBytes(e.entry()),
                    IndexColumns.of(e.entry())));
        }
    }

    @Override
    public synchronized List<SignedHead> checkpoints(String chain) {
        read();
        return new ArrayList<>(checkpoints.getOrDefault(chain, List.of()));
    }

    @Override
    public synchronized Optional<dev.tally.audit.chain.MerkleFrontier> frontier(String chain, long seq) {
        read();
        List<String> hex = frontiers.get(chain + "@" + seq);
        return hex == null ? Optional.empty() : Optional.of(dev.tally.audit.chain.MerkleFrontier.of(seq, hex));
    }

    @Override
    public synchronized Optional<SignedHead> anchor(String chain) {
        read();
        return Optional.ofNullable(anchors.get(chain));
    }

    @Override
    public synchronized Map<String, String> signingKeys() {
        return new HashMap<>(signingKeys);
    }

    @Override
    public synchronized Optional<VirtualKey> keyBySecretHash(String secretHash) {
        return keys.values().stream().filter(k -> k.secretHash().equals(secretHash)).findFirst();
    }

    @Override
    public synchronized Optional<VirtualKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public synchronized Optional<VirtualKey> keyByName(String name) {
        return keys.values().stream().filter(k -> k.name().equals(name)).findFirst();
    }

    @Override
    public synchronized List<VirtualKey> keys() {
        return new ArrayList<>(keys.values());
    }

    @Override
    public synchronized long prunePayloads(Instant before) {
        if (failing) {
            throw new StoreException("store: injected write failure");
        }
        int size = payloads.size();
        payloads.values().removeIf(p -> p.createdAt().isBefore(before));
        return size - payloads.size();
    }

    @Override
    public synchronized Optional<dev.tally.audit.store.StoredPayload> payload(String callId) {
        return Optional.ofNullable(payloads.get(callId));
    }

    @Override
    public synchronized Optional<String> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    @Override
    public void close() {
    }
}
