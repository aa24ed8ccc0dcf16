package dev.tally.audit.chain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A signed statement about the head of a chain: a checkpoint ("the chain had this hash at
 * this seq") or a retention anchor ("everything through this seq was pruned; its hash was
 * this"). Both are signed with the instance's Ed25519 key.
 *
 * <p>The signed bytes are UTF-8 of
 * {@code "tally-<purpose>-v1\n" + chain + "\n" + seq + "\n" + hash + "\n" + at}, with
 * {@code at} in the format of {@link dev.tally.audit.json.Json#INSTANT_FORMAT}.
 *
 * @param purpose checkpoint or anchor
 * @param chain the chain
 * @param seq the seq it speaks of
 * @param hash the hex hash of the entry at seq
 * @param at when it was signed (ms)
 * @param keyId the signing key's id (see {@link SigningKeys#keyId()})
 * @param signature base64 Ed25519 signature over {@link #signedBytes()}
 */
public record SignedHead(Purpose purpose, String chain, long seq, String hash, Instant at, String keyId, String signature) {

    /** What a signed head states. */
    public enum Purpose {
        CHECKPOINT, ANCHOR
    }

    public SignedHead {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(at, "at");
        at = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** The bytes the signature covers. */
    public byte[] signedBytes() {
        return signedBytes(purpose, chain, seq, hash, at);
    }

    static byte[] signedBytes(Purpose purpose, String chain, long seq, String hash, Instant at) {
        String text = "tally-" + purpose.name().toLowerCase(java.util.Locale.ROOT) + "-v1\n" + chain + "\n" + seq
                + "\n" + hash + "\n" + dev.tally.audit.json.Json.INSTANT_FORMAT.format(at);
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
