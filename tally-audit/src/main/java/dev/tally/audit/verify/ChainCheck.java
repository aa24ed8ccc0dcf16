package dev.tally.audit.verify;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.StoredRow;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One chain's verification (see {@link Verifier}). Keeps only the lowest bad seq found.
 * Not thread-safe: one instance per run.
 */
final class ChainCheck {

    private final AuditStore store;
    private final String chain;
    private final Map<String, PublicKey> keys;
    private FirstBad firstBad;
    private long entries;
    private long expected = 1;
    private String prevHash = EntryHasher.GENESIS;
    private String prevPrevHash; // prev_hash of the previous row, to recognise an inserted row
    private long lastSeq;
    private String lastHash = EntryHasher.GENESIS;
    private boolean broken; // after the first structural problem only rows are counted
    private final Map<Long, String> hashesAtCheckpoints = new HashMap<>();

    ChainCheck(AuditStore store, String chain, Map<String, PublicKey> keys) {
        this.store = store;
        this.chain = chain;
        this.keys = keys;
    }

    ChainReport run() {
        Optional<SignedHead> anchor = store.anchor(chain);
        if (anchor.isPresent()) {
            SignedHead a = anchor.get();
            Verifier.signatureProblem(a, keys).ifPresent(p -> bad(a.seq(), "retention anchor at seq " + a.seq()
                    + ": " + p));
            if (a.purpose() != SignedHead.Purpose.ANCHOR || !a.chain().equals(chain)) {
                bad(a.seq(), "retention anchor at seq " + a.seq() + " is a " + a.purpose() + " of chain " + a.chain());
            }
            expected = a.seq() + 1;
            prevHash = a.hash();
            lastSeq = a.seq();
            lastHash = a.hash();
        }
        List<SignedHead> checkpoints = store.checkpoints(chain);
        for (SignedHead checkpoint : checkpoints) {
            hashesAtCheckpoints.put(checkpoint.seq(), null);
        }
        store.scan(chain, this::row);
        for (SignedHead checkpoint : checkpoints) {
            checkpoint(checkpoint, anchor.orElse(null));
        }
        return new ChainReport(chain, entries, lastSeq, lastHash, checkpoints.size(), firstBad);
    }

    private void row(StoredRow row) {
        entries++;
        if (broken) {
            return;
        }
        long seq = row.seq();
        if (seq != expected) {
            if (seq > expected) {
                fail(expected, "seq " + expected + " is missing (the next stored seq is " + seq + ")");
            } else {
                fail(seq, "seq " + seq + " is stored out of order or twice (expected seq " + expected + ")");
            }
            return;
        }
        if (!chain.equals(row.chain())) {
            fail(seq, "chain column is '" + row.chain() + "' (expected: '" + chain + "')");
            return;
        }
        if (!prevHash.equals(row.prevHash())) {
            if (prevPrevHash != null && prevPrevHash.equals(row.prevHash())) {
                fail(seq - 1, "seq " + (seq - 1) + " was inserted: seq " + seq + " links to seq " + (seq - 2));
            } else {
                fail(seq, "prev_hash does not match the hash of seq " + (seq - 1));
            }
            return;
        }
        String recomputed = EntryHasher.hash(chain, seq, row.prevHash(), row.body());
        if (!recomputed.equals(row.hash())) {
            fail(seq, "hash does not match the stored body (recomputed " + recomputed + ")");
            return;
        }
        AuditEntry entry;
        try {
            entry = EntryHasher.parse(row.body());
        } catch (IllegalArgumentException e) {
            fail(seq, "body is not a valid entry: " + e.getMessage());
            return;
        }
        if (!Arrays.equals(EntryHasher.canonicalBytes(entry), row.body())) {
            fail(seq, "body is not in canonical form");
            return;
        }
        IndexColumns columns = IndexColumns.of(entry);
        if (!columns.equals(row.columns())) {
            fail(seq, "index columns " + row.columns() + " disagree with the body " + columns);
            return;
        }
        if (hashesAtCheckpoints.containsKey(seq)) {
            hashesAtCheckpoints.put(seq, row.hash());
        }
        prevPrevHash = prevHash;
        prevHash = row.hash();
        expected = seq + 1;
        lastSeq = seq;
        lastHash = row.hash();
    }

    private void checkpoint(SignedHead checkpoint, SignedHead anchor) {
        long seq = checkpoint.seq();
        Verifier.signatureProblem(checkpoint, keys).ifPresent(p -> bad(seq, "checkpoint at seq " + seq + ": " + p));
        if (checkpoint.purpose() != SignedHead.Purpose.CHECKPOINT || !chain.equals(checkpoint.chain())) {
            bad(seq, "checkpoint at seq " + seq + " is a " + checkpoint.purpose() + " of chain " + checkpoint.chain());
        }
        if (broken) {
            return;
        }
        if (seq > lastSeq) {
            bad(lastSeq + 1, "entries after seq " + lastSeq + " are missing: a checkpoint covers seq " + seq);
            return;
        }
        String stored = anchor != null && seq == anchor.seq() ? anchor.hash() : hashesAtCheckpoints.get(seq);
        if (stored != null && !stored.equals(checkpoint.hash())) {
            bad(seq, "checkpoint at seq " + seq + " signed hash " + checkpoint.hash() + " but the entry's hash is "
                    + stored);
        }
    }

    private void fail(long seq, String reason) {
        broken = true;
        bad(seq, reason);
    }

    private void bad(long seq, String reason) {
        if (firstBad == null || seq < firstBad.seq()) {
            firstBad = new FirstBad(seq, reason);
        }
    }
}
