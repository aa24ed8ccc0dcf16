package dev.tally.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Entries;
import dev.tally.audit.testing.SqliteTestStore;
import dev.tally.audit.recorder.MutableClock;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.StoredRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 11);
    final TamperedStore store = new TamperedStore();

    /** The store, whose rows and checkpoints a test may replace with tampered ones. */
    static final class TamperedStore extends SqliteTestStore {
        List<StoredRow> rows;
        List<SignedHead> checkpoints;
        Optional<SignedHead> anchor;

        @Override
        public void scan(String chain, Consumer<StoredRow> sink) {
            if (rows == null) {
                super.scan(chain, sink);
            } else {
                rows.forEach(sink);
            }
        }

        @Override
        public synchronized List<SignedHead> checkpoints(String chain) {
            return checkpoints == null ? super.checkpoints(chain) : checkpoints;
        }

        @Override
        public synchronized Optional<SignedHead> anchor(String chain) {
            return anchor == null ? super.anchor(chain) : anchor;
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeStore() {
        store.close();
    }

    @BeforeEach
    void writeTwentyEntries() throws Exception {
        try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir).withCheckpointEvery(5),
                clock)) {
            for (int i = 0; i < 20; i++) {
                recorder.record(i % 4 == 0 ? entries.security() : entries.call());
            }
        }
        List<StoredRow> rows = new ArrayList<>();
        store.scan(CHAIN, rows::add);
        store.rows = rows;
    }

    FirstBad firstBad() {
        VerifyReport report = new Verifier(store).verify();
        assertThat(report.ok()).isEqualTo(report.chain(CHAIN).ok());
        return report.chain(CHAIN).firstBad();
    }

    StoredRow row(long seq) {
        return store.rows.get((int) seq - 1);
    }

    void replace(long seq, StoredRow row) {
        store.rows.set((int) seq - 1, row);
    }

    @Test
    void anUntouchedChainVerifies() {
        VerifyReport report = new Verifier(store).verify();

        assertThat(report.ok()).isTrue();
        ChainReport chain = report.chain(CHAIN);
        assertThat(chain.entries()).isEqualTo(20);
        assertThat(chain.headSeq()).isEqualTo(20);
        assertThat(chain.headHash()).isEqualTo(row(20).hash());
        assertThat(chain.checkpoints()).isEqualTo(4);
        assertThat(chain.firstBad()).isNull();
    }

    @Test
    void anEditedBodyIsFoundAtItsSeq() {
        StoredRow r = row(7);
        byte[] body = new String(r.body(), StandardCharsets.UTF_8).replace("alice", "mallory")
                .replace("10.0.0.1", "10.0.0.2").getBytes(StandardCharsets.UTF_8);
        replace(7, new StoredRow(r.chain(), r.seq(), r.prevHash(), r.hash(), body, r.columns()));

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(7L);
        assertThat(firstBad().reason()).contains("hash does not match");
    }

    @Test
    void anEditedIndexColumnIsFoundAtItsSeq() {
        StoredRow r = row(6);
        IndexColumns c = r.columns();
        IndexColumns edited = new IndexColumns(c.id(), c.kind(), c.ts(), "other-key", c.model(), c.provider(),
                c.status(), c.user(), c.eventType());
        replace(6, new StoredRow(r.chain(), r.seq(), r.prevHash(), r.hash(), r.body(), edited));

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(6L);
        assertThat(firstBad().reason()).contains("index columns");
    }

    @Test
    void aDeletedRowIsFoundAtItsSeq() {
        store.rows.remove(8); // seq 9

        assertThat(firstBad()).isEqualTo(new FirstBad(9, "seq 9 is missing (the next stored seq is 10)"));
    }

    @Test
    void rowsCutFromTheEndAreFoundThroughTheFinalCheckpoint() {
        store.rows.remove(19);
        store.rows.remove(18);

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(19L);
    }

    @Test
    void aForgedInsertedRowIsFoundAtItsSeqEvenWithCorrectHashes() {
        // the forger links the new row properly and renumbers the rows after it
        AuditEntry forged = entries.call();
        StoredRow before = row(4);
        String hash = EntryHasher.hash(CHAIN, 5, before.hash(), EntryHasher.canonicalBytes(forged));
        List<StoredRow> rows = new ArrayList<>(store.rows.subList(0, 4));
        rows.add(new StoredRow(CHAIN, 5, before.hash(), hash, EntryHasher.canonicalBytes(forged),
                IndexColumns.of(forged)));
        for (StoredRow r : store.rows.subList(4, 20)) {
            rows.add(new StoredRow(r.chain(), r.seq() + 1, r.prevHash(), r.hash(), r.body(), r.columns()));
        }
        store.rows = rows;

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(5L);
        assertThat(firstBad().reason()).contains("inserted");
    }

    @Test
    void swappedRowsAreFoundAtTheLowerSeq() {
        StoredRow a = row(3);
        StoredRow b = row(11);
        replace(3, new StoredRow(b.chain(), 3, b.prevHash(), b.hash(), b.body(), b.columns()));
        replace(11, new StoredRow(a.chain(), 11, a.prevHash(), a.hash(), a.body(), a.columns()));

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(3L);
    }

    @Test
    void aNonCanonicalBodyIsFoundEvenWhenItsHashWasRecomputed() {
        StoredRow r = row(12);
        byte[] body = (new String(r.body(), StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        replace(12, new StoredRow(r.chain(), 12, r.prevHash(), EntryHasher.hash(CHAIN, 12, r.prevHash(), body), body,
                r.columns()));

        assertThat(firstBad()).isEqualTo(new FirstBad(12, "body is not in canonical form"));
    }

    @Test
    void aRewrittenTailIsCaughtByTheSignedCheckpoints() {
        // rewrite seq 13..20 with consistent hashes: only the signatures can tell
        List<StoredRow> rows = new ArrayList<>(store.rows.subList(0, 12));
        String prev = row(12).hash();
        for (long seq = 13; seq <= 20; seq++) {
            CallRecord forged = entries.call();
            byte[] body = EntryHasher.canonicalBytes(forged);
            String hash = EntryHasher.hash(CHAIN, seq, prev, body);
            rows.add(new StoredRow(CHAIN, seq, prev, hash, body, IndexColumns.of(forged)));
            prev = hash;
        }
        store.rows = rows;

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(15L);
        assertThat(firstBad().reason()).contains("checkpoint at seq 15");
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRejected() throws Exception {
        SigningKeys other = SigningKeys.loadOrCreate(dir.resolve("other"));
        List<SignedHead> checkpoints = new ArrayList<>(store.checkpoints(CHAIN));
        SignedHead real = checkpoints.get(1);
        SignedHead forged = other.sign(SignedHead.Purpose.CHECKPOINT, CHAIN, real.seq(), real.hash(), real.at());
        checkpoints.set(1, new SignedHead(forged.purpose(), forged.chain(), forged.seq(), forged.hash(), forged.at(),
                real.keyId(), forged.signature()));
        store.checkpoints = checkpoints;

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(10L);
        assertThat(firstBad().reason()).contains("signature is not valid");
    }

    @Test
    void aTrustedKeyOverridesTheKeysTheStoreRegistered() throws Exception {
        SigningKeys other = SigningKeys.loadOrCreate(dir.resolve("other"));

        ChainReport report = Verifier.trusting(store, other.publicKeyBase64()).verify(CHAIN);

        assertThat(report.firstBad().seq()).isEqualTo(5L);
        assertThat(report.firstBad().reason()).contains("unknown key id");
        assertThat(Verifier.trusting(store, SigningKeys.loadOrCreate(dir).publicKeyBase64()).verify(CHAIN).ok())
                .isTrue();
    }

    @Test
    void aPrunedChainVerifiesFromItsAnchorAndAForgedAnchorIsRejected() throws Exception {
        store.rows = null;
        clock.advance(Duration.ofDays(10));
        try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir), clock)) {
            recorder.record(entries.call());
            recorder.prune(clock.instant().minus(Duration.ofDays(1)), "test");
        }
        assertThat(new Verifier(store).verify().ok()).isTrue();
        SignedHead anchor = store.anchor(CHAIN).orElseThrow();
        assertThat(anchor.seq()).isEqualTo(20);

        store.anchor = Optional.of(new SignedHead(anchor.purpose(), anchor.chain(), anchor.seq(), anchor.hash(),
                anchor.at().plusMillis(1), anchor.keyId(), anchor.signature()));

        assertThat(firstBad()).extracting(FirstBad::seq).isEqualTo(20L);
        assertThat(firstBad().reason()).contains("retention anchor");
    }

    @Test
    void aChainWithoutTrustedKeysReportsEveryChain() {
        try (SqliteTestStore empty = new SqliteTestStore()) {
            assertThat(new Verifier(empty).verify()).isEqualTo(new VerifyReport(true, List.of()));
        }
        assertThat(new Verifier(store, Map.of()).verify().chains()).hasSize(1);
    }
}
