package dev.tally.audit.chain;

import dev.tally.audit.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A signed statement about the head of a chain: a checkpoint ("the chain's tree had this root at
 * this size") or a retention anchor ("everything through this seq was pruned; the tree there had
 * this root"). Both are signed with the instance's Ed25519 key.
 *
 * <h2>Signed bytes, v2</h2>
 * UTF-8 of
 * <pre>
 * "tally-head-v2\n" + purpose + "\n" + chain + "\n" + seq + "\n" + hash + "\n" + root + "\n"
 *   + (prevHead or "-") + "\n" + closed + "\n" + (nextKey or "-") + "\n" + at
 *   [+ "\n" + rollupDigest, only when there is one]
 * </pre>
 * with {@code purpose} in lower case ({@code checkpoint}, {@code anchor}), {@code closed} as
 * {@code true}/{@code false} and {@code at} in {@link Json#INSTANT_FORMAT}.
 *
 * <h2>v1 (heads written before the Merkle tree)</h2>
 * A head with a null {@code root} is a v1 head; its signed bytes are UTF-8 of
 * {@code "tally-<purpose>-v1\n" + chain + "\n" + seq + "\n" + hash + "\n" + at}, so rows written by
 * older versions still verify. A v1 head has no prev_head, next_key or rollup digest and is never
 * closed.
 *
 * <p>{@link #headHash()} (hex SHA-256 of the signed bytes) is what the next head's
 * {@code prevHead} names, so the heads of a chain form a hash chain of their own: a deleted or
 * altered head breaks the link of the one after it.
 *
 * @param purpose checkpoint or anchor
 * @param chain the chain
 * @param seq the seq it speaks of, which is also the tree size
 * @param hash the hex chain hash of the entry at seq
 * @param root the hex Merkle root over seqs 1..seq (see {@link MerkleTree}); null only for v1 heads
 * @param prevHead the hex {@link #headHash()} of the chain's previous checkpoint; null for the first
 * @param closed true only for the head written by a clean close of the writer
 * @param nextKey base64 X.509 public key this head announces as the next signing key, else null
 * @param at when it was signed (ms)
 * @param keyId the signing key's id (see {@link SigningKeys#keyId()}); null while unsigned
 * @param signature base64 Ed25519 signature over {@link #signedBytes()}; null while unsigned
 * @param rollupDigest hex digest of the rollups a retention anchor leaves behind, else null; signed
 *     when present
 */
public record SignedHead(Purpose purpose, String chain, long seq, String hash, String root, String prevHead,
        boolean closed, String nextKey, Instant at, String keyId, String signature, String rollupDigest) {

    /** What a signed head states. */
    public enum Purpose {
        CHECKPOINT, ANCHOR
    }

    public SignedHead {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(at, "at");
        if (seq < 0) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
        }
        at = at.truncatedTo(ChronoUnit.MILLIS);
        if (root == null && (prevHead != null || closed || nextKey != null || rollupDigest != null)) {
            throw new IllegalArgumentException("root: null (expected: a Merkle root; a v1 head without a root has no"
                    + " prev_head, closed, next_key or rollup_digest)");
        }
    }

    /** A v2 head without a rollup digest (the usual checkpoint). */
    public SignedHead(Purpose purpose, String chain, long seq, String hash, String root, String prevHead,
            boolean closed, String nextKey, Instant at, String keyId, String signature) {
        this(purpose, chain, seq, hash, root, prevHead, closed, nextKey, at, keyId, signature, null);
    }

    /** A v1 head (no Merkle root), as written before the tree existed. */
    public SignedHead(Purpose purpose, String chain, long seq, String hash, Instant at, String keyId, String signature) {
        this(purpose, chain, seq, hash, null, null, false, null, at, keyId, signature, null);
    }

    /** Whether this is a v1 head (signed without a Merkle root). */
    public boolean v1() {
        return root == null;
    }

    /** The bytes the signature covers (v2, or v1 when {@link #root} is null). */
    public byte[] signedBytes() {
        String text;
        if (root == null) {
            text = "tally-" + purpose.name().toLowerCase(Locale.ROOT) + "-v1\n" + chain + "\n" + seq + "\n" + hash
                    + "\n" + Json.INSTANT_FORMAT.format(at);
        } else {
            text = "tally-head-v2\n" + purpose.name().toLowerCase(Locale.ROOT) + "\n" + chain + "\n" + seq + "\n"
                    + hash + "\n" + root + "\n" + (prevHead == null ? "-" : prevHead) + "\n" + closed + "\n"
                    + (nextKey == null ? "-" : nextKey) + "\n" + Json.INSTANT_FORMAT.format(at)
                    + (rollupDigest == null ? "" : "\n" + rollupDigest);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Hex SHA-256 of {@link #signedBytes()}: the name the next head's {@code prevHead} uses. */
    public String headHash() {
        return HexFormat.of().formatHex(EntryHasher.sha256().digest(signedBytes()));
    }

    /** This head with {@code keyId} and {@code signature} set. */
    public SignedHead withSignature(String keyId, String signature) {
        return new SignedHead(purpose, chain, seq, hash, root, prevHead, closed, nextKey, at, keyId, signature,
                rollupDigest);
    }

    /** This head with another rollup digest (unsigned: sign the result again). */
    public SignedHead withRollupDigest(String digest) {
        return new SignedHead(purpose, chain, seq, hash, root, prevHead, closed, nextKey, at, null, null, digest);
    }

    static byte[] signedBytes(Purpose purpose, String chain, long seq, String hash, Instant at) {
        return new SignedHead(purpose, chain, seq, hash, at, null, null).signedBytes();
    }
}
