package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.InclusionProof;
import dev.tally.audit.proof.Proofs;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed heads and proofs on a real store, written by the real recorder: inclusion proofs of every
 * entry, consistency proofs between every pair of heads, JSON round trips, what a proof after a
 * retention prune can still give. One subclass per store.
 */
public abstract class IntegrityContract extends StoreContractSupport {

    protected static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    protected Path dataDir;

    protected final Clock clock = Clock.fixed(START.plus(Duration.ofDays(30)), ZoneOffset.UTC);

    /** Records {@code count} calls one minute apart from {@link #START}, a head every {@code every}, then closes. */
    protected Map<String, PublicKey> record(int count, int every) throws InterruptedException {
        Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dataDir).withCheckpointEvery(every),
                clock);
        for (int i = 0; i < count; i++) {
            recorder.record(entries.call(START.plus(Duration.ofMinutes(i))).build());
        }
        recorder.flush();
        String publicKey = recorder.publicKeyBase64();
        recorder.close();
        PublicKey key = SigningKeys.parsePublicKey(publicKey);
        return Map.of(SigningKeys.keyIdOf(key), key);
    }

    protected List<ChainedEntry> stored() {
        List<ChainedEntry> all = new ArrayList<>();
        store.scan(CHAIN, row -> all.add(new ChainedEntry(row.chain(), row.seq(), row.prevHash(), row.hash(),
                dev.tally.audit.chain.EntryHasher.parse(row.body()))));
        return all;
    }

    @Test
    void everyEntryHasAnInclusionProofThatChecksOutAndSurvivesJson() throws Exception {
        Map<String, PublicKey> keys = record(37, 10);
        Proofs proofs = new Proofs(store);
        assertThat(store.checkpoints(CHAIN)).extracting(SignedHead::seq).containsExactly(10L, 20L, 30L, 37L);
        for (ChainedEntry entry : stored()) {
            InclusionProof proof = proofs.inclusion(entry.entry().id()).orElseThrow();
            assertThat(proof.leafIndex()).isEqualTo(entry.seq() - 1);
            assertThat(proof.head().seq()).isEqualTo(37);
            assertThat(proof.problems(keys)).isEmpty();
            InclusionProof reread = InclusionProof.fromJson(proof.toJson());
            assertThat(reread.problems(keys)).isEmpty();
            assertThat(reread.toJson()).isEqualTo(proof.toJson());
        }
    }

    @Test
    void aProofWithAChangedBodyPathOrKeyFails() throws Exception {
        Map<String, PublicKey> keys = record(9, 4);
        ChainedEntry third = stored().get(2);
        InclusionProof proof = new Proofs(store).inclusion(third.entry().id()).orElseThrow();
        String json = proof.toJson();
        InclusionProof cheaper = InclusionProof.fromJson(json.replace("\"cost_micros\":150", "\"cost_micros\":1"));
        assertThat(cheaper.problems(keys)).anySatisfy(p -> assertThat(p).contains("does not match its body"));
        List<String> path = new ArrayList<>(proof.auditPath());
        path.set(0, "00".repeat(32));
        assertThat(new InclusionProof(proof.entry(), proof.leafIndex(), path, proof.head()).problems(keys))
                .containsExactly("audit path does not lead from the entry's leaf to the root of the head at tree size 9");
        assertThat(proof.problems(Map.of())).singleElement().asString().contains("not among the trusted keys");
    }

    @Test
    void anEntryNotYetCoveredByAHeadHasNoProofYet() throws Exception {
        record(3, 100);
        List<ChainedEntry> late = chain.append(entries.call(START.plus(Duration.ofHours(1))).build());
        Proofs proofs = new Proofs(store);
        assertThat(proofs.inclusion(late.getFirst().entry().id())).isEmpty();
        assertThat(proofs.inclusion("no-such-id")).isEmpty();
        assertThat(proofs.inclusion(stored().getFirst().entry().id())).isPresent();
    }

    @Test
    void everyPairOfHeadsHasAConsistencyProofThatChecksOut() throws Exception {
        Map<String, PublicKey> keys = record(45, 7);
        Proofs proofs = new Proofs(store);
        List<SignedHead> heads = store.checkpoints(CHAIN);
        assertThat(heads).hasSize(7);
        for (SignedHead older : heads) {
            for (SignedHead newer : heads) {
                if (newer.seq() < older.seq()) {
                    continue;
                }
                ConsistencyProof proof = proofs.consistency(CHAIN, older.seq(), newer.seq());
                assertThat(ConsistencyProof.problems(older, proof, keys)).as("%d -> %d", older.seq(), newer.seq())
                        .isEmpty();
                assertThat(ConsistencyProof.problems(older, ConsistencyProof.fromJson(proof.toJson()), keys)).isEmpty();
            }
        }
        assertThat(proofs.latestHeads()).containsOnlyKeys(CHAIN);
        assertThat(proofs.latestHeads().get(CHAIN).seq()).isEqualTo(45);
    }

    @Test
    void aConsistencyProofMustEndAtAStoredHead() throws Exception {
        record(12, 5);
        Proofs proofs = new Proofs(store);
        assertThatThrownBy(() -> proofs.consistency(CHAIN, 3, 11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("to: 11 (expected: the tree size of a stored signed head of chain gw-1; the latest is 12)");
        assertThatThrownBy(() -> proofs.consistency(CHAIN, 13, 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from: 13 (expected: 0..12)");
    }

    @Test
    void aSavedHeadThatTheChainNoLongerExtendsFailsTheConsistencyCheck() throws Exception {
        Map<String, PublicKey> keys = record(10, 5);
        SignedHead saved = store.checkpoints(CHAIN).getFirst();
        SignedHead forkedSaved = new SignedHead(saved.purpose(), saved.chain(), saved.seq(), saved.hash(),
                "11".repeat(32), saved.prevHead(), saved.closed(), saved.nextKey(), saved.at(), saved.keyId(),
                saved.signature());
        ConsistencyProof proof = new Proofs(store).consistency(CHAIN, 5, 10);
        assertThat(ConsistencyProof.problems(forkedSaved, proof, keys)).singleElement().asString()
                .contains("chain gw-1: the tree at size 10 does not extend the saved tree at size 5");
    }

    @Test
    void afterRetentionRetainedEntriesStillHaveProofs() throws Exception {
        Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dataDir).withCheckpointEvery(6),
                clock);
        for (int i = 0; i < 23; i++) {
            recorder.record(entries.call(START.plus(Duration.ofMinutes(i))).build());
        }
        recorder.flush();
        SignedHead anchor = recorder.prune(START.plus(Duration.ofMinutes(13)), "test").orElseThrow();
        assertThat(anchor.seq()).isEqualTo(13);
        String publicKey = recorder.publicKeyBase64();
        recorder.close();
        PublicKey key = SigningKeys.parsePublicKey(publicKey);
        Map<String, PublicKey> keys = Map.of(SigningKeys.keyIdOf(key), key);
        assertThat(anchor.root()).isNotNull();
        assertThat(store.frontier(CHAIN, 13)).get().extracting(f -> f.rootHex()).isEqualTo(anchor.root());

        Proofs proofs = new Proofs(store);
        List<ChainedEntry> retained = stored();
        assertThat(retained.getFirst().seq()).isEqualTo(14);
        for (ChainedEntry entry : retained) {
            InclusionProof proof = proofs.inclusion(entry.entry().id()).orElseThrow();
            assertThat(proof.problems(keys)).as("seq %d", entry.seq()).isEmpty();
        }
        SignedHead last = store.checkpointAtOrBefore(CHAIN, Long.MAX_VALUE).orElseThrow();
        ConsistencyProof fromAnchor = proofs.consistency(CHAIN, 13, last.seq());
        assertThat(ConsistencyProof.problems(anchor, fromAnchor, keys)).isEmpty();
        // A size strictly inside the pruned prefix whose nodes are not the anchor's subtrees: said so.
        assertThatThrownBy(() -> proofs.consistency(CHAIN, 3, last.seq()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the prefix pruned through seq 13");
    }


    @Test
    void aRotatedKeyIsFollowedUnderTheOldPinThroughHeadsProofsAndARetentionAnchor() throws Exception {
        Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dataDir).withCheckpointEvery(4),
                clock);
        PublicKey old = SigningKeys.parsePublicKey(recorder.publicKeyBase64());
        Map<String, PublicKey> pinned = Map.of(SigningKeys.keyIdOf(old), old);
        for (int i = 0; i < 6; i++) {
            recorder.record(entries.call(START.plus(Duration.ofMinutes(i))).build());
        }
        recorder.flush();
        dev.tally.audit.recorder.KeyRotated rotated = recorder.rotateSigningKey();
        for (int i = 6; i < 12; i++) {
            recorder.record(entries.call(START.plus(Duration.ofMinutes(i))).build());
        }
        recorder.flush();
        SignedHead anchor = recorder.prune(START.plus(Duration.ofMinutes(3)), "test").orElseThrow();
        recorder.close();

        assertThat(rotated.announcement()).get().extracting(SignedHead::seq).isEqualTo(6L);
        assertThat(store.signingKeys()).containsKeys(rotated.oldKeyId(), rotated.keyId());
        assertThat(anchor.keyId()).as("signed after the rotation").isEqualTo(rotated.keyId());
        assertThat(store.checkpoints(CHAIN)).extracting(SignedHead::keyId).last().isEqualTo(rotated.keyId());
        dev.tally.audit.verify.ChainReport report = new dev.tally.audit.verify.Verifier(store, pinned).verify(CHAIN);
        assertThat(report.ok()).as(String.valueOf(report.firstBad())).isTrue();
        ChainedEntry last = stored().getLast();
        assertThat(new Proofs(store).inclusion(last.entry().id()).orElseThrow().problems(
                Map.of(rotated.keyId(), SigningKeys.parsePublicKey(rotated.publicKey())))).isEmpty();
        assertThat(Proofs.announcing(store, CHAIN, rotated.keyId())).singleElement()
                .extracting(SignedHead::headHash).isEqualTo(rotated.announcement().get().headHash());
    }
}
