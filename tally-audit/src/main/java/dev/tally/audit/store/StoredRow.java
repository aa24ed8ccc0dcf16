package dev.tally.audit.store;

/**
 * An entry exactly as stored, for the verifier: the body bytes that were hashed and the
 * columns the store indexes it by, so an edit to either is found.
 *
 * @param chain chain id column
 * @param seq seq column
 * @param prevHash prev_hash column
 * @param hash hash column
 * @param body the canonical bytes as stored
 * @param columns the index columns as stored
 */
public record StoredRow(String chain, long seq, String prevHash, String hash, byte[] body, IndexColumns columns) {
}
