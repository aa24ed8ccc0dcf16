package dev.tally.cli.source;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.InclusionProof;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code tally heads}, {@code proof} and {@code witness} get signed heads and proofs: the store
 * of a data directory ({@link StoreIntegrity}, through the audit core's {@code Proofs}) or a running
 * gateway ({@link GatewayIntegrity}: {@code GET /v1/admin/heads}, {@code /proof/{id}},
 * {@code /consistency}). Both answer with the same values. Every method blocks until answered and
 * throws {@link dev.tally.cli.CommandFailure} with a one-line message when the source cannot
 * answer. Not thread-safe; one per command run.
 */
public sealed interface IntegritySource extends AutoCloseable permits StoreIntegrity, GatewayIntegrity {

    /** The latest signed head of every chain, by chain. */
    Map<String, SignedHead> latestHeads();

    /** The public keys the store lists, key id to base64 X.509 (unpinned: the store's own word). */
    Map<String, String> listedKeys();

    /**
     * The stored heads of {@code chain} that announce ({@code next_key}) the key with id
     * {@code keyId}, oldest first: how a witness learns a rotated key. Reads every head of the
     * chain, so it is asked only when a head is signed by a key the witness does not know.
     */
    java.util.List<SignedHead> announcing(String chain, String keyId);

    /**
     * The proof that the entry {@code id} is in the log; empty while no signed head covers it yet.
     *
     * @throws dev.tally.cli.CommandFailure when no entry has that id
     */
    Optional<InclusionProof> inclusion(String id);

    /**
     * The proof that {@code chain}'s tree of {@code toSize} entries (a signed head's size) extends
     * its tree of {@code fromSize}.
     *
     * @throws IllegalArgumentException naming the value when no such proof can be given
     */
    ConsistencyProof consistency(String chain, long fromSize, long toSize);

    /** Where the data comes from, for messages. */
    String where();

    @Override
    void close();
}
