package dev.tally.audit.verify.deep;

import dev.tally.audit.rollup.RollupDigest;

/**
 * What the deep check found for a chain's rollup rows that pruned calls added to (rows before the
 * retention anchor's {@link RollupDigest#until()}), which no retained entry can recompute.
 * Immutable, thread-safe.
 */
public sealed interface PrunedRollups {

    /** The chain was never pruned: every row was recomputed. */
    record NotPruned() implements PrunedRollups {
    }

    /**
     * The residual rows (stored minus what retained calls add) hash to the signed digest.
     *
     * @param digest the digest signed at the prune
     * @param rows rows before {@code until} that pruned calls added to
     */
    record Matched(RollupDigest digest, long rows) implements PrunedRollups {
    }

    /**
     * The residual rows do not hash to the signed digest: a row of the pruned range was edited,
     * added or deleted.
     *
     * @param signed the digest signed at the prune
     * @param recomputed the digest of the rows as stored now
     * @param rows rows before {@code until} that pruned calls seem to have added to
     */
    record Mismatched(RollupDigest signed, RollupDigest recomputed, long rows) implements PrunedRollups {
    }

    /**
     * The chain was pruned, but its latest retention run carried no digest (made by an older
     * version): rows before {@code until} (the day after the anchor was signed) are not checked
     * beyond what is impossible for any pruned calls (a value below what retained calls add).
     *
     * @param until epoch ms: rows with a bucket before it were not checked
     * @param rows rows left unchecked
     */
    record Unsigned(long until, long rows) implements PrunedRollups {
    }
}
