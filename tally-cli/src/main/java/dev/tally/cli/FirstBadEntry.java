package dev.tally.cli;

import dev.tally.audit.store.ChainReads;
import dev.tally.audit.verify.ChainReport;
import dev.tally.audit.verify.VerifyReport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The first bad entry of a verify report, with the entry's id when a row is stored at that seq
 * (a deleted entry has none), so an auditor can look it up with {@code tally logs}.
 *
 * @param chain the chain that breaks first in report order
 * @param seq the lowest bad seq of that chain
 * @param id the id stored at that seq, or null when no row holds it
 * @param reason what is wrong there
 */
record FirstBadEntry(String chain, long seq, String id, String reason) {

    /**
     * The first broken chain's first bad entry, empty when every chain verifies. Reads the
     * broken chain once more to find the id; returns when that scan is done.
     */
    static Optional<FirstBadEntry> find(ChainReads store, VerifyReport report) {
        for (ChainReport chain : report.chains()) {
            if (!chain.ok()) {
                long seq = chain.firstBad().seq();
                AtomicReference<String> id = new AtomicReference<>();
                store.scan(chain.chain(), row -> {
                    if (row.seq() == seq && id.get() == null && row.columns() != null) {
                        id.set(row.columns().id());
                    }
                });
                return Optional.of(new FirstBadEntry(chain.chain(), seq, id.get(), chain.firstBad().reason()));
            }
        }
        return Optional.empty();
    }
}
