package dev.tally.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Entries;
import dev.tally.audit.testing.SqliteTestStore;
import dev.tally.audit.recorder.MutableClock;
import dev.tally.audit.store.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For any log and any truncation, edit, reordering or deletion made after a witness saved a head,
 * {@link Verifier#since} fails, even when the attacker rewrote the whole chain consistently: every
 * hash recomputed, every head re-signed with a key of their own that they registered in the store
 * (so a plain verify against the store's keys passes). A plain verify catches an edit left as is.
 */
class SincePropertyTest {

    static final String CHAIN = "gw-1";

    enum Change {
        TRUNCATE, EDIT, REORDER, DELETE
    }

    private static final SigningKeys OWNER = keys("owner");
    private static final SigningKeys ATTACKER = keys("attacker");

    private static SigningKeys keys(String name) {
        try {
            return SigningKeys.loadOrCreate(Files.createTempDirectory("since-" + name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The stores a try opened, closed (and their directories deleted) after it. */
    private final List<SqliteTestStore> opened = new ArrayList<>();

    private <T extends SqliteTestStore> T opened(T store) {
        opened.add(store);
        return store;
    }

    @net.jqwik.api.lifecycle.AfterTry
    void closeStores() {
        opened.forEach(SqliteTestStore::close);
        opened.clear();
    }

    @Property(tries = 200)
    void anyChangeAfterASavedHeadFailsSince(@ForAll Change change, @ForAll @IntRange(min = 2, max = 60) int size,
            @ForAll @IntRange(min = 1, max = 9) int every, @ForAll @IntRange(min = 0, max = 10_000) int a,
            @ForAll @IntRange(min = 0, max = 10_000) int b, @ForAll @IntRange(min = 0, max = 10_000) int seed) {
        Entries entries = new Entries(new MutableClock(Instant.parse("2026-03-01T10:00:00Z")), seed);
        List<AuditEntry> log = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            log.add(i % 5 == 4 ? entries.security() : entries.call());
        }
        SqliteTestStore original = opened(new SqliteTestStore());
        write(original, OWNER, log, every);
        // The witness saved a head somewhere in the log (the latest one, or an earlier one).
        List<SignedHead> heads = original.checkpoints(CHAIN);
        SignedHead saved = heads.get(a % heads.size());
        assertThat(new Verifier(original).since(List.of(saved)).ok()).isTrue();

        int at = b % (int) saved.seq(); // a position inside the saved tree
        List<AuditEntry> changed = new ArrayList<>(log);
        switch (change) {
            case TRUNCATE -> changed.subList(at, changed.size()).clear();
            case DELETE -> changed.remove(at);
            case REORDER -> {
                int other = (at + 1 + a % (int) saved.seq()) % (int) saved.seq();
                if (other == at) {
                    other = (at + 1) % changed.size();
                }
                Collections.swap(changed, at, other);
            }
            case EDIT -> changed.set(at, edited(changed.get(at)));
        }
        SqliteTestStore forged = opened(new SqliteTestStore());
        forged.registerSigningKey(ATTACKER.keyId(), ATTACKER.publicKeyBase64());
        if (!changed.isEmpty()) {
            write(forged, ATTACKER, changed, every);
        }
        if (!changed.isEmpty()) {
            assertThat(new Verifier(forged).verify().ok()).as("the forgery is consistent in itself").isTrue();
        }
        VerifyReport report = new Verifier(forged).since(List.of(saved));
        assertThat(report.ok()).as("%s at %d of %d (saved size %d)", change, at, size, saved.seq()).isFalse();
        assertThat(report.chain(CHAIN).firstBad().reason()).contains("chain " + CHAIN);
    }

    @Property(tries = 100)
    void anEditLeftWithoutRehashingFailsPlainVerify(@ForAll @IntRange(min = 1, max = 40) int size,
            @ForAll @IntRange(min = 1, max = 9) int every, @ForAll @IntRange(min = 0, max = 10_000) int a) {
        Entries entries = new Entries(new MutableClock(Instant.parse("2026-03-01T10:00:00Z")), a);
        List<AuditEntry> log = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            log.add(entries.call());
        }
        VerifierTest.TamperedStore store = opened(new VerifierTest.TamperedStore());
        store.registerSigningKey(OWNER.keyId(), OWNER.publicKeyBase64());
        write(store, OWNER, log, every);
        List<dev.tally.audit.store.StoredRow> rows = new ArrayList<>();
        store.scan(CHAIN, rows::add);
        int at = a % size;
        dev.tally.audit.store.StoredRow row = rows.get(at);
        AuditEntry edited = edited(EntryHasher.parse(row.body()));
        rows.set(at, new dev.tally.audit.store.StoredRow(row.chain(), row.seq(), row.prevHash(), row.hash(),
                EntryHasher.canonicalBytes(edited), dev.tally.audit.store.IndexColumns.of(edited)));
        store.rows = rows;
        ChainReport report = new Verifier(store).verify(CHAIN);
        assertThat(report.ok()).isFalse();
        assertThat(report.firstBad().seq()).isEqualTo(at + 1);
    }

    private static AuditEntry edited(AuditEntry entry) {
        if (entry instanceof CallRecord call) {
            return call.toBuilder().costMicros(call.costMicros() == null ? 1L : call.costMicros() + 1).build();
        }
        dev.tally.audit.entry.SecurityEvent e = (dev.tally.audit.entry.SecurityEvent) entry;
        return new dev.tally.audit.entry.SecurityEvent(e.id(), e.timestamp(), e.type(), e.requestId(), e.keyId(),
                e.keyPrefix(), e.clientIp(), e.userAgent(), e.model(), e.httpStatus(), "edited " + e.detail());
    }

    /** Chains {@code log} from genesis with a head every {@code every} entries and at the end, signed by {@code keys}. */
    static void write(SqliteTestStore store, SigningKeys keys, List<AuditEntry> log, int every) {
        store.registerSigningKey(keys.keyId(), keys.publicKeyBase64());
        List<ChainedEntry> placed = new ArrayList<>();
        List<SignedHead> heads = new ArrayList<>();
        Map<Long, List<String>> frontiers = new HashMap<>();
        MerkleFrontier tree = new MerkleFrontier();
        String prev = EntryHasher.GENESIS;
        Instant at = Instant.parse("2026-03-01T11:00:00Z");
        for (int i = 0; i < log.size(); i++) {
            long seq = i + 1;
            ChainedEntry e = EntryHasher.chain(CHAIN, seq, prev, log.get(i));
            placed.add(e);
            prev = e.hash();
            tree.appendEntry(e.hash());
            if (seq % every == 0 || seq == log.size()) {
                heads.add(keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, CHAIN, seq, e.hash(), tree.rootHex(),
                        heads.isEmpty() ? null : heads.getLast().headHash(), false, null, at, null, null)));
                frontiers.put(seq, tree.toHex());
            }
        }
        store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(), heads, List.of(), frontiers));
    }
}
