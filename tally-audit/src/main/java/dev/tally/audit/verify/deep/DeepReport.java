package dev.tally.audit.verify.deep;

import java.util.List;

/**
 * The outcome of {@link DeepCheck#run}: per chain what was checked, and every difference found
 * (up to the limit the check was run with). Immutable, thread-safe.
 *
 * @param chains one summary per chain, by chain name
 * @param differences the differences found, at most the run's limit, in the order found
 * @param differencesTotal how many differences there were, also beyond the limit
 */
public record DeepReport(List<Chain> chains, List<Difference> differences, long differencesTotal) {

    public DeepReport {
        chains = List.copyOf(chains);
        differences = List.copyOf(differences);
    }

    /** Whether the derived data agrees with the entries everywhere. */
    public boolean ok() {
        return differencesTotal == 0;
    }

    /**
     * What the deep check covered in one chain.
     *
     * @param chain the chain
     * @param calls retained call records read
     * @param rollupRows stored rollup rows read (every table)
     * @param tagRows stored tag rows read
     * @param pruned how the rows pruned calls added to were checked
     */
    public record Chain(String chain, long calls, long rollupRows, long tagRows, PrunedRollups pruned) {
    }
}
