package dev.tally.audit.chain;

import dev.tally.audit.entry.AuditEntry;
import java.util.Objects;

/**
 * An entry at its place in a chain: the chain (one per gateway instance), its gap-free
 * sequence number from 1, the previous entry's hash and its own.
 *
 * <p>{@code body} optionally carries the entry's canonical bytes (see {@link EntryHasher}) when
 * whoever built this value already had them: the writer computes them to hash the entry and a
 * store reads them back from disk, so neither has to serialise the entry again. It is derived
 * from {@code entry}, so {@link #equals} and {@link #hashCode} ignore it. The array is shared,
 * not copied: never modify it.
 *
 * @param chain the chain (instance) id
 * @param seq position in the chain, from 1, gap-free
 * @param prevHash hex SHA-256 of the previous entry (64 zeros before seq 1, or a retention anchor's hash)
 * @param hash hex SHA-256 over this entry, see {@link EntryHasher}
 * @param entry the entry itself
 * @param body the entry's canonical bytes, or null when not at hand (use {@link #canonicalBytes()})
 */
public record ChainedEntry(String chain, long seq, String prevHash, String hash, AuditEntry entry, byte[] body) {

    public ChainedEntry {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(prevHash, "prev_hash");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(entry, "entry");
        if (seq < 1) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: >= 1)");
        }
    }

    /** An entry without its canonical bytes at hand. */
    public ChainedEntry(String chain, long seq, String prevHash, String hash, AuditEntry entry) {
        this(chain, seq, prevHash, hash, entry, null);
    }

    /** The canonical bytes: {@code body} when known, else computed from {@code entry}. */
    public byte[] canonicalBytes() {
        return body != null ? body : EntryHasher.canonicalBytes(entry);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainedEntry that
                && seq == that.seq
                && chain.equals(that.chain)
                && prevHash.equals(that.prevHash)
                && hash.equals(that.hash)
                && entry.equals(that.entry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chain, seq, prevHash, hash, entry);
    }

    @Override
    public String toString() {
        return "ChainedEntry[chain=" + chain + ", seq=" + seq + ", prevHash=" + prevHash + ", hash=" + hash
                + ", entry=" + entry + "]";
    }
}
