package dev.tally.cli.source;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.InclusionProof;
import dev.tally.audit.proof.Proofs;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.cli.CommandFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Heads and proofs read from the SQLite store of a data directory with the audit core's
 * {@link Proofs}. Never creates a store; only reads. Not thread-safe; one per command run.
 */
public final class StoreIntegrity implements IntegritySource {

    private final Path file;
    private final SqliteAuditStore store;
    private final Proofs proofs;

    private StoreIntegrity(Path file, SqliteAuditStore store) {
        this.file = file;
        this.store = store;
        this.proofs = new Proofs(store);
    }

    /**
     * Opens {@code <dataDir>/tally.db}.
     *
     * @throws CommandFailure when there is no store there or it cannot be opened
     */
    public static StoreIntegrity open(Path dataDir) {
        Path file = dataDir.resolve(StoreReader.DATABASE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CommandFailure("data: " + dataDir + " has no " + StoreReader.DATABASE_FILE
                    + " (expected: the data directory of a Tally instance, e.g. --data ./data, or --url of a gateway)");
        }
        try {
            return new StoreIntegrity(file, SqliteAuditStore.open(file));
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
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
    public Optional<InclusionProof> inclusion(String id) {
        return read(() -> {
            if (store.entry(id).isEmpty()) {
                throw new CommandFailure("id: '" + id + "' (expected: the id of an entry in " + file + "; none has it)");
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
        return file.toString();
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
