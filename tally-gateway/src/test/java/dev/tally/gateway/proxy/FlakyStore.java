package dev.tally.gateway.proxy;

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
 * A real store whose writes can be made to fail on demand (a full disk, a lost database), for
 * the fail-closed tests. Reads always go through. Thread-safe as the store it wraps.
 */
final class FlakyStore implements AuditStore {

    private final AuditStore store;
    volatile boolean failing;

    FlakyStore(AuditStore store) {
        this.store = store;
    }

    private void maybeFail() {
        if (failing) {
            throw new StoreException("store: injected write failure");
        }
    }

    @Override
    public ChainHead head(String chain) {
        return store.head(chain);
    }

    @Override
    public void commit(WriteBatch batch) {
        maybeFail();
        store.commit(batch);
    }

    @Override
    public void registerSigningKey(String keyId, String publicKeyBase64) {
        maybeFail();
        store.registerSigningKey(keyId, publicKeyBase64);
    }

    @Override
    public Optional<ChainHead> prunableThrough(String chain, Instant before) {
        return store.prunableThrough(chain, before);
    }

    @Override
    public List<CallOpening> openings(String chain) {
        return store.openings(chain);
    }

    @Override
    public Optional<ChainedEntry> entry(String id) {
        return store.entry(id);
    }

    @Override
    public Page<ChainedEntry> calls(CallQuery query) {
        return store.calls(query);
    }

    @Override
    public Page<ChainedEntry> events(EventQuery query) {
        return store.events(query);
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        return store.usage(query);
    }

    @Override
    public List<String> chains() {
        return store.chains();
    }

    @Override
    public void scan(String chain, Consumer<StoredRow> sink) {
        store.scan(chain, sink);
    }

    @Override
    public List<SignedHead> checkpoints(String chain) {
        return store.checkpoints(chain);
    }

    @Override
    public Optional<SignedHead> anchor(String chain) {
        return store.anchor(chain);
    }

    @Override
    public Map<String, String> signingKeys() {
        return store.signingKeys();
    }

    @Override
    public Optional<VirtualKey> keyBySecretHash(String secretHash) {
        return store.keyBySecretHash(secretHash);
    }

    @Override
    public Optional<VirtualKey> key(String id) {
        return store.key(id);
    }

    @Override
    public Optional<VirtualKey> keyByName(String name) {
        return store.keyByName(name);
    }

    @Override
    public List<VirtualKey> keys() {
        return store.keys();
    }

    @Override
    public Optional<String> setting(String name) {
        return store.setting(name);
    }

    @Override
    public void close() {
        store.close();
    }
}
