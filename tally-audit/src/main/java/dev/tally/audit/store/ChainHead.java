package dev.tally.audit.store;

/**
 * The last committed position of a chain: where the writer continues.
 *
 * @param seq the last seq (0 when empty; the anchor's seq when everything was pruned)
 * @param hash the hash at seq ({@link dev.tally.audit.chain.EntryHasher#GENESIS} when empty)
 */
public record ChainHead(long seq, String hash) {
}
