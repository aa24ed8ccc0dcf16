package dev.tally.audit.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Canonical bytes and chain hashes of entries.
 *
 * <h2>Canonical bytes</h2>
 * The UTF-8 JSON of the entry written by {@link Json#mapper()}: {@code kind} first, then every
 * other property in alphabetical order of its snake_case name, map entries sorted by key,
 * absent values (null, empty string, empty list or map) omitted, enums in lower case,
 * instants as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, no whitespace. These bytes are also what the
 * store keeps as the entry's body, so a verifier rehashes exactly what was stored.
 *
 * <h2>Hash</h2>
 * <pre>
 * hash(n) = SHA-256( "tally-entry-v1" 0x00
 *                    || UTF-8(chain) 0x00
 *                    || seq as 8-byte big-endian
 *                    || prev_hash as 32 raw bytes
 *                    || canonical bytes )
 * </pre>
 * where {@code prev_hash} of seq 1 is 32 zero bytes (or, after retention, the anchor's hash).
 * Binding chain and seq into the hash makes a moved or renumbered entry fail verification even
 * when its body is intact. Hashes are written as 64 lower-case hex digits.
 *
 * <p>Thread-safe; each call uses its own digest.
 */
public final class EntryHasher {

    /** The prev_hash of the first entry of a chain that was never pruned. */
    public static final String GENESIS = "0".repeat(64);

    private static final byte[] DOMAIN = "tally-entry-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();
    /** Never used itself, only cloned ({@link MessageDigest} is not thread-safe). */
    private static final MessageDigest SHA_256 = newSha256();
    /**
     * Looked up once: {@code writerFor} resolves the type and its serializer on every call, and
     * this runs for every entry (twice for a call: its opening marker and its record). Immutable,
     * so shared by every thread.
     */
    private static final ObjectWriter ENTRY_WRITER = Json.mapper().writerFor(AuditEntry.class);

    private EntryHasher() {
    }

    /** The canonical bytes of an entry. */
    public static byte[] canonicalBytes(AuditEntry entry) {
        try {
            return ENTRY_WRITER.writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("entry cannot be encoded: " + e.getOriginalMessage(), e);
        }
    }

    /** The hash of an entry at {@code seq} of {@code chain}, given its canonical bytes. */
    public static String hash(String chain, long seq, String prevHash, byte[] canonical) {
        return HEX.formatHex(hashBytes(chain, seq, HEX.parseHex(prevHash), canonical));
    }

    /**
     * {@link #hash} as 32 bytes, from the previous hash's 32 bytes: the writer keeps a chain's
     * last hash in both forms, so neither is parsed or formatted twice per entry.
     */
    public static byte[] hashBytes(String chain, long seq, byte[] prevHash, byte[] canonical) {
        MessageDigest digest = sha256();
        digest.update(DOMAIN);
        digest.update(chain.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        byte[] seqBytes = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++) {
            seqBytes[i] = (byte) (seq >>> (56 - 8 * i)); // big-endian
        }
        digest.update(seqBytes);
        digest.update(prevHash);
        digest.update(canonical);
        return digest.digest();
    }

    /** Places an entry after {@code prevHash} at {@code seq}, keeping its canonical bytes as the body. */
    public static ChainedEntry chain(String chain, long seq, String prevHash, AuditEntry entry) {
        byte[] body = canonicalBytes(entry);
        return new ChainedEntry(chain, seq, prevHash, hash(chain, seq, prevHash, body), entry, body);
    }

    /** Parses canonical bytes back into an entry. */
    public static AuditEntry parse(byte[] canonical) {
        try {
            return Json.mapper().readValue(canonical, AuditEntry.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("entry body is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * A fresh SHA-256 digest: a clone of one prototype, because {@code MessageDigest.getInstance}
     * looks the provider up again on every call and this runs for every entry and every request.
     */
    public static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 digest cannot be cloned", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
