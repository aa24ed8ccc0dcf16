package dev.tally.audit.store;

import dev.tally.audit.entry.CallOpening;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The store as a chain's writer sees it ({@link dev.tally.audit.recorder.Recorder}): where a chain
 * ends, committing batches, signing keys, what retention may prune, and the opening markers left by
 * a crash. One role of {@link AuditStore}.
 *
 * <p>Only one writer per chain calls {@link #commit}; {@link #prunePayloads} may run on any thread.
 * Implementations are thread-safe; every method throws {@link StoreException} when the store cannot
 * be reached or written.
 */
public interface ChainWrites {

    /** Where {@code chain} ends: its last seq and hash, or the anchor after a full prune. */
    ChainHead head(String chain);

    /**
     * Commits a batch atomically: all of it or none of it. A call record deletes its opening
     * marker and updates the rollups in the same transaction. Admin changes that violate a
     * constraint (duplicate key name, unknown key id) make the whole batch fail with
     * {@link IllegalArgumentException}, as do entries that do not continue the chain from
     * {@link #head} (a seq gap or overlap, a prev_hash that is not the previous hash), and
     * payloads whose call record is not among the batch's entries; store
     * faults throw {@link StoreException}. Returns when the batch is committed.
     */
    void commit(WriteBatch batch);

    /**
     * Tells the store how to learn, during a commit, whether the writer is keeping up with the
     * calls. While it is, a store whose commit holds a core for a millisecond or more may give
     * the core up now and then within it, so the calls' own threads are not kept waiting behind
     * the commit; while it is not, the commit runs through, so the writer catches up. The
     * default ignores it.
     */
    default void pace(java.util.function.BooleanSupplier keepingUp) {
    }

    /** Registers a public signing key (base64 X.509) under its key id, so verifiers can find it. */
    void registerSigningKey(String keyId, String publicKeyBase64);

    /**
     * Registers the signing key as {@link #registerSigningKey} does, in a transaction that also
     * writes and deletes a scratch row, so its commit must really write to disk: the recorder's
     * probe of a store that failed. Registering a key that is already there commits without writing
     * a page (SQLite, and PostgreSQL's {@code ON CONFLICT DO NOTHING}), so on a full disk it
     * succeeded while every real commit failed, and health flapped between probe and commit.
     * The default, for stores without such a row, is the registration alone.
     */
    default void probeWrite(String keyId, String publicKeyBase64) {
        registerSigningKey(keyId, publicKeyBase64);
    }

    /**
     * The last seq and hash of {@code chain} such that every entry through it has a timestamp
     * before {@code before}: what a retention run may prune. Empty when nothing qualifies.
     */
    Optional<ChainHead> prunableThrough(String chain, Instant before);

    /**
     * Deletes the kept payloads made before {@code before} (their {@code created_at}); the call
     * records stay, and say by their {@code payload} field what had been kept. Payloads are
     * outside the hash chain, so this never affects verification. Unlike {@link #commit} it may
     * be called from any thread (the retention scheduler): implementations delete in bounded
     * chunks, each its own transaction, so the writer is never held up by more than one chunk.
     * Returns the number of payloads deleted once none made before {@code before} is left.
     */
    long prunePayloads(Instant before);

    /** Recovery: opening markers of {@code chain} with no closing record yet, oldest first. */
    List<CallOpening> openings(String chain);
}
