package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupDigest;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.rollup.UsageTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A store that can hand out what it derives from the entries (the rollup rows and the tag rows)
 * exactly as stored, so {@code verify --deep} can recompute them from the entries and compare,
 * and a retention run can sign a {@link RollupDigest} over the rollups it leaves behind. Both
 * stores implement it; it is kept apart from {@link AuditStore} so test doubles of the store
 * need not.
 *
 * <p>Thread-safe, like {@link AuditStore}; every method returns when its reads are done.
 */
public interface DerivedRows extends AuditStore {

    /** Where {@link #readDerived} hands what it reads, in the order of the methods. */
    interface Visitor {

        /** The chain's retention anchor at the snapshot, or null. Called first, once. */
        void anchor(SignedHead anchor);

        /** Every retained entry of the chain, in seq order, exactly as stored. */
        void entry(StoredRow row);

        /** Every stored rollup row of the chain, table by table, in no particular order. */
        void rollupRow(RollupRow row);

        /** Every tag row of the chain's retained entries, in no particular order. */
        void tagRow(TagRow row);
    }

    /**
     * Reads, in one snapshot of the store, {@code chain}'s anchor, retained entries, rollup rows
     * of every {@link RollupTable} and tag rows, handing each to {@code visitor}. Memory stays
     * constant: rows are streamed.
     */
    void readDerived(String chain, Visitor visitor);

    /** The chain's rollup rows of {@code table} whose bucket starts before {@code before} (epoch ms). */
    void rollupRows(String chain, RollupTable table, long before, Consumer<RollupRow> sink);

    /** The chain's retained call records with a seq above {@code afterSeq} and a time before {@code before} (ms). */
    void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink);

    /**
     * Tag rows that belong to no retained entry {@link #readDerived} returns them with (SQLite: a
     * row id no entry has; PostgreSQL: a chain, seq and time no entry has, above the chain's
     * anchor). Pruned rows a store keeps until their partition is dropped do not count.
     */
    long strayTagRows();

    /**
     * The ids of {@code cost_adjustments} rows whose {@code delta_micros} column is not their new
     * minus their old cost: the one column of a row its event does not state directly.
     */
    List<String> adjustmentsWithBadDelta();

    /**
     * Runs {@code work} against one snapshot of the store ({@link SnapshotReads}) and returns its
     * result; an {@link java.sql.SQLException} becomes a {@link StoreException}.
     */
    <T> T inSnapshot(String what, SnapshotReads.Work<T> work);

    /**
     * What a retention run of {@code chain} with cut-off {@code before} would prune, and the
     * {@link RollupDigest} its anchor signs, read from one snapshot; empty when no entry is old
     * enough. The expensive part of a run: it reads every rollup row of the chain before
     * {@code until} and the retained calls before it (usually few: those of the cut-off's last
     * day). Any thread may call it; the writer checks {@link PrunePlan#holds} before using it.
     *
     * @throws IllegalStateException when the chain's anchor kept moving while this read (other
     *     runs pruning the chain at the same time)
     */
    default Optional<PrunePlan> planPrune(String chain, Instant before) {
        for (int attempt = 0; attempt < 3; attempt++) {
            // The previous digest can lie in a retention_run event (a v1 anchor), read apart from
            // the snapshot: it is fixed by the anchor, so the snapshot only has to see the same one.
            Optional<SignedHead> anchor = anchor(chain);
            long anchorSeq = anchor.map(SignedHead::seq).orElse(0L);
            long until = RollupDigest.until(before.toEpochMilli(), previousRollupDigest(chain, anchor)
                    .map(RollupDigest::until).orElse(Long.MIN_VALUE));
            // Outer empty: the anchor moved between the two reads, so read again.
            Optional<Optional<PrunePlan>> plan = inSnapshot("retention plan", reads -> {
                if (reads.anchor(chain).map(SignedHead::seq).orElse(0L) != anchorSeq) {
                    return Optional.empty();
                }
                Optional<ChainHead> through = reads.prunableThrough(chain, before.toEpochMilli());
                if (through.isEmpty()) {
                    return Optional.of(Optional.empty());
                }
                RollupDigest digest = residualDigest(reads, chain, through.get().seq(), until);
                return Optional.of(Optional.of(new PrunePlan(chain, before, through.get(), anchorSeq,
                        reads.lastSeq(chain), digest)));
            });
            if (plan.isPresent()) {
                return plan.get();
            }
        }
        throw new IllegalStateException("retention plan of chain " + chain + ": its anchor moved three times while"
                + " it was read (expected: one retention run of a chain at a time)");
    }

    /**
     * The {@link RollupDigest} over the residuals of {@code chain}'s rollup rows before
     * {@code until}, when the entries through {@code throughSeq} are pruned: each stored row minus
     * what the retained calls (above {@code throughSeq}, before {@code until}) add to it.
     */
    private static RollupDigest residualDigest(SnapshotReads reads, String chain, long throughSeq, long until)
            throws java.sql.SQLException {
        RollupBatch retained = new RollupBatch();
        reads.calls(chain, throughSeq, until, row -> {
            if (EntryHasher.parse(row.body()) instanceof CallRecord call) {
                retained.add(chain, call);
            }
        });
        List<RollupRow> residuals = new ArrayList<>();
        for (RollupTable table : RollupTable.values()) {
            Map<RollupKey, UsageTotals> left = new HashMap<>(retained.rows(table));
            reads.rollupRows(chain, table, until, stored -> {
                UsageTotals recomputed = left.remove(stored.key());
                residuals.add(RollupRow.residual(table, stored.key(), stored,
                        recomputed == null ? null : RollupRow.of(table, stored.key(), recomputed)));
            });
            left.forEach((key, totals) -> residuals.add(RollupRow.residual(table, key, null,
                    RollupRow.of(table, key, totals))));
        }
        return RollupDigest.of(chain, until, residuals);
    }

    /**
     * The rollup digest of the chain's latest retention run: the one its anchor signs, else the
     * {@code rollup_digest} of the {@code retention_run} event that left the anchor (a v1 anchor
     * cannot carry one), if that event carries one.
     */
    default Optional<RollupDigest> previousRollupDigest(String chain) {
        return previousRollupDigest(chain, anchor(chain));
    }

    private Optional<RollupDigest> previousRollupDigest(String chain, Optional<SignedHead> anchor) {
        if (anchor.isEmpty()) {
            return Optional.empty();
        }
        if (anchor.get().rollupDigest() != null) {
            return Optional.of(RollupDigest.parse(anchor.get().rollupDigest()));
        }
        String type = Json.wire(AdminEventType.RETENTION_RUN);
        EventQuery query = new EventQuery(type, null, null, 100, null);
        while (true) {
            Page<ChainedEntry> page = events(query);
            for (ChainedEntry e : page.data()) {
                if (e.chain().equals(chain) && e.entry() instanceof AdminEvent event && retentionRunOf(event, chain,
                        anchor.get().seq())) {
                    return Optional.ofNullable(event.after().get(ROLLUP_DIGEST)).map(RollupDigest::parse);
                }
            }
            if (page.nextCursor() == null) {
                return Optional.empty();
            }
            query = query.after(page.nextCursor());
        }
    }

    /** The {@code retention_run} detail that carries the run's {@link RollupDigest#text()}. */
    String ROLLUP_DIGEST = "rollup_digest";

    /** Whether {@code event} is the retention run of {@code chain} that left the anchor at {@code anchorSeq}. */
    static boolean retentionRunOf(AuditEntry entry, String chain, long anchorSeq) {
        return entry instanceof AdminEvent event && event.type() == AdminEventType.RETENTION_RUN
                && chain.equals(event.target())
                && Long.toString(anchorSeq).equals(event.after().get("pruned_through_seq"));
    }
}
