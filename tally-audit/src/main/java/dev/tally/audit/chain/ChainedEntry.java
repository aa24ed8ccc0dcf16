package dev.tally.audit.chain;

import dev.tally.audit.entry.AuditEntry;
import java.util.Objects;

/**
 * An entry at its place in a chain: the chain (one per gateway instance), its gap-free
 * sequence number from 1, the previous entry's hash and its own.
 *
 * @param chain the chain (instance) id
 * @param seq position in the chain, from 1, gap-free
 * @param prevHash hex SHA-256 of the previous entry (64 zeros before seq 1, or a retention anchor's hash)
 * @param hash hex SHA-256 over this entry, see {@link EntryHasher}
 * @param entry the entry itself
 */
public record ChainedEntry(String chain, long seq, String prevHash, String hash, AuditEntry entry) {

    public ChainedEntry {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(prevHash, "prev_hash");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(entry, "entry");
        if (seq < 1) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: >= 1)");
        }
    }
}
