package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.store.AuditStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The files of a signing key rotation. The next pair is written beside the key file first
 * ({@code <key file>.next} and {@code signing.pub.next}); then the writer commits the head, signed
 * by the current key, that announces the next one; only then do the files replace the current
 * pair, the public key first. So while {@code <key file>.next} exists the rotation is unfinished,
 * and {@link #recover} at the next start finishes it when the chain's latest head announces that
 * key, and discards it when not (the announcement never committed). The old private key is not
 * kept: rotating a key that may have leaked must not leave it on disk.
 *
 * <p>Stateless; called on the writer thread (or at start, before it exists).
 */
final class KeyRotation {

    private static final System.Logger LOG = System.getLogger(KeyRotation.class.getName());

    private KeyRotation() {
    }

    static Path nextPrivate(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".next");
    }

    static Path publicFile(Path keyFile) {
        return keyFile.toAbsolutePath().getParent().resolve(SigningKeys.PUBLIC_FILE);
    }

    static Path nextPublic(Path keyFile) {
        return publicFile(keyFile).resolveSibling(SigningKeys.PUBLIC_FILE + ".next");
    }

    /**
     * The writer's part of a rotation, everything before already committed: stages the next
     * pair, lists its public key in the store, commits the announcing head signed by the current
     * key, switches {@code cursor} to the next key, and replaces the key files. Before the
     * announcement commits, a failure leaves the current key in use and nothing rotated.
     */
    static dev.tally.audit.recorder.KeyRotated rotate(AuditStore store, ChainWriter writer, ChainCursor cursor,
            String chain, Path keyFile) {
        SigningKeys old = cursor.keys();
        SigningKeys next;
        try {
            next = stage(keyFile);
        } catch (IOException e) {
            discard(keyFile);
            throw new java.io.UncheckedIOException("signing key: cannot write the next key beside " + keyFile + " ("
                    + e.getMessage() + "); nothing was rotated (expected: a writable directory; a read-only mounted"
                    + " secret is rotated as docs/integrity.md says)", e);
        }
        ChainCursor.Built built;
        try {
            store.registerSigningKey(next.keyId(), next.publicKeyBase64());
            writer.ensureHead();
            built = cursor.buildRotation(next);
            if (built != null) {
                writer.commitBuilt(built);
            }
        } catch (IllegalStateException e) {
            discard(keyFile);
            throw e;
        } catch (RuntimeException e) {
            discard(keyFile);
            writer.storeFailed(e);
            throw e instanceof dev.tally.audit.store.StoreException se ? se
                    : new dev.tally.audit.store.StoreException("audit store commit failed: the signing key was not"
                            + " rotated (" + e.getMessage() + ")", e);
        }
        cursor.useKeys(next);
        LOG.log(Level.INFO, "audit chain {0}: signing key {1} rotated to {2}{3}", chain, old.keyId(), next.keyId(),
                built == null ? " (the chain is empty: nothing to announce)"
                        : "; the head at seq " + built.seq() + " signed by the old key announces it");
        try {
            install(keyFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("signing key: rotated to " + next.keyId() + " and announced, but "
                    + keyFile + " could not be replaced (" + e.getMessage() + "); the next start finishes it from "
                    + nextPrivate(keyFile), e);
        }
        return new dev.tally.audit.recorder.KeyRotated(chain, old.keyId(), next.keyId(), next.publicKeyBase64(),
                Optional.ofNullable(built == null ? null : built.lastHead()));
    }

    /** Generates the next pair and writes it beside the key file; nothing is committed yet. */
    static SigningKeys stage(Path keyFile) throws IOException {
        SigningKeys next = SigningKeys.generate();
        next.writeTo(nextPrivate(keyFile), nextPublic(keyFile));
        return next;
    }

    /** Once the announcement is committed: the next pair becomes the key file and its public key. */
    static void install(Path keyFile) throws IOException {
        if (Files.exists(nextPublic(keyFile))) {
            Files.move(nextPublic(keyFile), publicFile(keyFile), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(nextPrivate(keyFile), keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The announcement did not commit: the staged pair is deleted, the current one stays. */
    static void discard(Path keyFile) {
        try {
            Files.deleteIfExists(nextPrivate(keyFile));
            Files.deleteIfExists(nextPublic(keyFile));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "signing key: cannot delete the unused next key beside {0} ({1})", keyFile,
                    e.getMessage());
        }
    }

    /**
     * At start, before the key is loaded: finishes a rotation a stop or crash interrupted after
     * its announcement committed, or discards one whose announcement never did.
     */
    static void recover(Path keyFile, AuditStore store, String chain) throws IOException {
        if (!Files.exists(nextPrivate(keyFile))) {
            Files.deleteIfExists(nextPublic(keyFile));
            return;
        }
        Path stagedPublic = Files.exists(nextPublic(keyFile)) ? nextPublic(keyFile) : publicFile(keyFile);
        SigningKeys staged;
        try {
            staged = SigningKeys.loadFiles(nextPrivate(keyFile), stagedPublic);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "signing key: the next key beside {0} is damaged ({1}); it was never used and is"
                    + " deleted", keyFile, e.getMessage());
            discard(keyFile);
            return;
        }
        Optional<SignedHead> latest = store.checkpointAtOrBefore(chain, Long.MAX_VALUE);
        if (latest.isPresent() && staged.publicKeyBase64().equals(latest.get().nextKey())) {
            install(keyFile);
            LOG.log(Level.INFO, "signing key of chain {0}: finished the rotation to key {1} announced at seq {2}",
                    chain, staged.keyId(), Long.toString(latest.get().seq()));
        } else {
            discard(keyFile);
            LOG.log(Level.WARNING, "signing key of chain {0}: a rotation to key {1} was interrupted before its"
                    + " announcement committed; the current key stays", chain, staged.keyId());
        }
    }
}
