package dev.tally.cli.source;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.InclusionProof;
import dev.tally.audit.proof.Proofs;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.AuditStore;
import dev.tally.cli.CommandFailure;
import java.util.Map;
import java.util.Optional;

/**
 * Heads and proofs read directly from a store (the SQLite file of a data directory or the
 * PostgreSQL database a {@code tally.yaml} names) with the audit core's {@link Proofs}. Only
 * reads. Not thread-safe; one per command run. Closing it closes the store.
 */
public final class StoreIntegrity implements IntegritySource {

    private final String where;
    private final AuditStore store;
    private final Proofs proofs;

    /** Reads {@code store}, named {@code where} in messages; takes over closing it. */
    public StoreIntegrity(String where, AuditStore store) {
        this.where = where;
        this.store = store;
        this.proofs = new Proofs(store);
    }

    @Override
    public Map<String, SignedHead> latestHeads() {
        return read(proofs::latestHeads);
    }

    @Override
    public Map<String, String> listedKeys() {
        return read(store::signingKeys);
    }

    @Override
    public java.util.List<SignedHead> announcing(String chain, String keyId) {
        return read(() -> dev.tally.audit.proof.Proofs.announcing(store, chain, keyId));
    }

    @Override
    public Optional<InclusionProof> inclusion(String id) {
        return read(() -> {
            if (store.entry(id).isEmpty()) {
                throw new CommandFailure("id: '" + id + "' (expected: the id of an entry in " + where + "; none has it)");
            }
            return proofs.inclusion(id);
        });
    }

    @Override
    public ConsistencyProof consistency(String chain, long fromSize, long toSize) {
        return read(() -> proofs.consistency(chain, fromSize, toSize));
    }

    @Override
    public String where() {
        return where;
    }

    private static <T> T read(java.util.function.Supplier<T> query) {
        try {
            return query.get();
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
