package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The store as verification and proofs read it ({@link dev.tally.audit.verify.Verifier},
 * {@link dev.tally.audit.proof.Proofs}, a writer's restart): the chains' rows exactly as stored,
 * their signed heads and anchors, and the signing keys. One role of {@link AuditStore};
 * thread-safe, callable from any thread while a writer commits.
 */
public interface ChainReads {

    /** One entry by id, of any kind. */
    Optional<ChainedEntry> entry(String id);

    /** Every chain in the store. */
    List<String> chains();

    /** Streams the rows of {@code chain} in seq order, exactly as stored. */
    void scan(String chain, Consumer<StoredRow> sink);

    /** The chain's checkpoints in seq order. */
    List<SignedHead> checkpoints(String chain);

    /** The chain's retention anchor, if it was ever pruned. */
    Optional<SignedHead> anchor(String chain);

    /** The chain's checkpoint with the largest seq at or below {@code seq} (its latest: {@code Long.MAX_VALUE}). */
    default Optional<SignedHead> checkpointAtOrBefore(String chain, long seq) {
        SignedHead found = null;
        for (SignedHead head : checkpoints(chain)) {
            if (head.seq() <= seq) {
                found = head;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The Merkle frontier stored with the chain's checkpoint or retention anchor at exactly
     * {@code seq}; empty when neither is there or it was written without one (schema version 1).
     */
    default Optional<dev.tally.audit.chain.MerkleFrontier> frontier(String chain, long seq) {
        return Optional.empty();
    }

    /**
     * Streams (hash, seq) of the chain's retained entries with {@code fromSeq <= seq <= toSeq} in
     * seq order. Implementations read only those two columns: this is what the writer's restart
     * and the proofs read instead of whole rows.
     */
    default void entryHashes(String chain, long fromSeq, long toSeq, java.util.function.ObjLongConsumer<String> sink) {
        scan(chain, row -> {
            if (row.seq() >= fromSeq && row.seq() <= toSeq) {
                sink.accept(row.hash(), row.seq());
            }
        });
    }

    /** Streams the rows of {@code chain} with seq at or above {@code fromSeq}, in seq order, exactly as stored. */
    default void scanFrom(String chain, long fromSeq, Consumer<StoredRow> sink) {
        scan(chain, row -> {
            if (row.seq() >= fromSeq) {
                sink.accept(row);
            }
        });
    }

    /** Public signing keys by key id (base64 X.509). */
    java.util.Map<String, String> signingKeys();
}
