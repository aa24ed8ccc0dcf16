package dev.tally.cli.keys;

import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoreException;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.options.SourceOptions;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.server.InstanceIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * The store opened for {@code tally keys}: the one {@code --config} names or the SQLite file
 * {@code <data>/tally.db} ({@link SourceOptions#openStore}), and — only when something is changed —
 * a {@link Recorder} on the command's own chain, whose spill journal, signing key pair and chain id
 * live in {@code <data>/cli/}. The id is {@code cli-<host>-<8 hex>} ({@link InstanceIds}), made on the
 * first change and kept in {@code <data>/cli/instance-id}; a directory that held the chain
 * {@value #LEGACY_CHAIN} from before keeps it. The command's own chain and journal keep it from
 * ever colliding with a gateway running on the same store, and the host in the id keeps two hosts'
 * commands on one shared PostgreSQL store from writing one chain (one writer per chain; the store
 * serialises the processes' transactions). Not thread-safe; one per command run.
 */
final class KeysStore implements AutoCloseable {

    /** The directory under {@code --data} with the command's recorder files. */
    static final String DIRECTORY = "cli";
    /** The chain of a {@code <data>/cli/} directory made before chain ids named the host. */
    static final String LEGACY_CHAIN = "cli";
    /** The actor named in the command's admin events. */
    static final String ACTOR = "cli";

    private final Path dataDir;
    private final AuditStore store;
    private final Clock clock;
    private Recorder recorder;
    private KeyService service;

    private KeysStore(Path dataDir, AuditStore store, Clock clock) {
        this.dataDir = dataDir;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Opens the store {@code source} names. Creates a SQLite store only when {@code create} (making
     * the first key before the first {@code tally serve} is fine; listing a mistyped directory is not).
     *
     * @throws CommandFailure when there is no store and {@code create} is false, or it cannot be opened
     */
    static KeysStore open(SourceOptions source, boolean create) {
        return new KeysStore(source.dataDir(), source.openStore(create), Clock.systemUTC());
    }

    AuditStore store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    /** The key service, starting the command's recorder the first time (blocks for its recovery). */
    KeyService service() {
        if (service == null) {
            Path own = dataDir.resolve(DIRECTORY);
            try {
                Files.createDirectories(own);
                String chain = InstanceIds.idIn(own, dataDir, "cli", LEGACY_CHAIN);
                recorder = Recorder.start(store, RecorderConfig.defaults(chain, own), clock);
            } catch (IOException | IllegalStateException e) {
                throw new CommandFailure("cannot create " + own + ": " + e.getMessage(), e);
            } catch (UncheckedIOException | StoreException e) {
                throw new CommandFailure("cannot start the audit recorder: " + e.getMessage(), e);
            }
            service = new KeyService(store, recorder::commitChange, IdSource.system(), new SecureRandom(), clock,
                    Duration.ZERO);
        }
        return service;
    }

    /** Stops the recorder (draining it and writing a checkpoint), then closes the store. */
    @Override
    public void close() {
        try {
            if (recorder != null) {
                recorder.close();
            }
        } finally {
            store.close();
        }
    }
}
