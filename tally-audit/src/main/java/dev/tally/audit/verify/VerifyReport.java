package dev.tally.audit.verify;

import java.util.List;

/**
 * The verification of every chain in a store.
 *
 * @param ok whether every chain verifies
 * @param chains one report per chain
 */
public record VerifyReport(boolean ok, List<ChainReport> chains) {

    public VerifyReport {
        chains = List.copyOf(chains);
    }

    /** The report of {@code chain}, or null when the store has no such chain. */
    public ChainReport chain(String chain) {
        return chains.stream().filter(c -> c.chain().equals(chain)).findFirst().orElse(null);
    }
}
