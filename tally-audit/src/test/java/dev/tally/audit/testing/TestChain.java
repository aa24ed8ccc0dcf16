package dev.tally.audit.testing;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal chain writer for store tests: places entries after the chain's head and commits
 * them, as the recorder's writer does, without its queue. Not thread-safe.
 */
public final class TestChain {

    private final AuditStore store;
    private final String chain;

    public TestChain(AuditStore store, String chain) {
        this.store = store;
        this.chain = chain;
    }

    public String chain() {
        return chain;
    }

    /** Chains {@code entries} after the store's current head, without committing them. */
    public List<ChainedEntry> place(List<? extends AuditEntry> entries) {
        ChainHead head = store.head(chain);
        List<ChainedEntry> result = new ArrayList<>();
        long seq = head.seq();
        String prev = head.hash();
        for (AuditEntry entry : entries) {
            ChainedEntry chained = EntryHasher.chain(chain, ++seq, prev, entry);
            result.add(chained);
            prev = chained.hash();
        }
        return result;
    }

    /** Chains and commits {@code entries} in one batch; returns them as committed. */
    public List<ChainedEntry> append(AuditEntry... entries) {
        List<ChainedEntry> placed = place(List.of(entries));
        store.commit(new WriteBatch(chain, List.of(), placed, List.of(), List.of()));
        return placed;
    }

    /** Commits opening markers only. */
    public void open(CallOpening... openings) {
        store.commit(new WriteBatch(chain, List.of(openings), List.of(), List.of(), List.of()));
    }

    /** Chains {@code event} and commits it together with {@code change}. */
    public ChainedEntry change(AdminChange change, AuditEntry event) {
        List<ChainedEntry> placed = place(List.of(event));
        store.commit(new WriteBatch(chain, List.of(), placed, List.of(change), List.of()));
        return placed.getFirst();
    }
}
