package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.proof.Proofs;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.verify.ChainReport;
import dev.tally.audit.verify.KeyTrust;
import dev.tally.audit.verify.Verifier;
import dev.tally.audit.verify.VerifyReport;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 14 on a real store, each made the way one who can write the database
 * would make it, and how each is caught: by {@link Verifier#since} with heads a witness saved
 * before, by the writer's start-up check, or by a pinned key. One subclass per store, which
 * supplies the raw SQL an attacker would run.
 */
public abstract class IntegrityAttackContract extends IntegrityContract {

    /** Deletes {@code chain}'s entries above {@code seq} and the checkpoints above it, as an attacker would. */
    protected abstract void cutAfter(String chain, long seq) throws Exception;

    /** Deletes {@code chain}'s checkpoints above {@code seq} only, leaving the entries. */
    protected abstract void deleteHeadsAfter(String chain, long seq) throws Exception;

    /** Deletes everything of {@code chain}: entries, checkpoints, anchor. */
    protected abstract void dropChain(String chain) throws Exception;

    private List<SignedHead> witnessHeads() {
        return List.copyOf(new Proofs(store).latestHeads().values());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50, 180})
    void deletingTheNewestEntriesWithTheirHeadsIsCaughtBySince(int cut) throws Exception {
        record(400, 25);
        List<SignedHead> saved = witnessHeads();
        cutAfter(CHAIN, 400 - cut);

        VerifyReport report = new Verifier(store).since(saved);
        assertThat(report.ok()).isFalse();
        assertThat(report.chain(CHAIN).firstBad().reason())
                .isEqualTo("chain gw-1 ends at seq " + (400 - cut) + ", shorter than the saved head's tree size 400:"
                        + " entries were cut");
    }

    @Test
    void aRestartedGatewayThatSignsOverACutChainIsCaughtBySince() throws Exception {
        record(400, 25);
        List<SignedHead> saved = witnessHeads();
        cutAfter(CHAIN, 350);
        record(60, 25); // the gateway continues from seq 350 and signs heads up to 410

        VerifyReport report = new Verifier(store).since(saved);
        assertThat(report.ok()).isFalse();
        assertThat(report.chain(CHAIN).firstBad().seq()).isEqualTo(400);
        assertThat(report.chain(CHAIN).firstBad().reason()).startsWith("chain gw-1: the tree at the saved size 400 has root")
                .endsWith("the chain was rewritten");
        assertThat(new Verifier(store).verify().ok()).as("without saved heads the rewritten chain is consistent").isTrue();
    }

    @Test
    void anEditedSavedHeadThatMatchesACutChainIsRefusedByItsSignature() throws Exception {
        record(400, 25);
        SignedHead saved = witnessHeads().getFirst();
        cutAfter(CHAIN, 350);
        // The heads file edited to the cut chain: size and root of seq 350, the signature kept.
        SignedHead at350 = store.checkpoints(CHAIN).getLast();
        assertThat(at350.seq()).isEqualTo(350);
        SignedHead edited = new SignedHead(saved.purpose(), CHAIN, 350, at350.hash(), at350.root(), saved.prevHead(),
                saved.closed(), saved.nextKey(), saved.at(), saved.keyId(), saved.signature());

        VerifyReport report = new Verifier(store).since(List.of(edited));
        assertThat(report.ok()).isFalse();
        assertThat(report.chain(CHAIN).firstBad().reason()).startsWith("saved head of chain gw-1 at tree size 350:"
                + " signature is not valid under key").endsWith("(the saved heads file was edited, or comes from another log)");
    }

    @Test
    void deletingTheNewestHeadsOnlyLeavesTheEntriesIntactAndCountedAsUnsigned() throws Exception {
        record(400, 25);
        List<SignedHead> saved = witnessHeads();
        deleteHeadsAfter(CHAIN, 300);

        ChainReport report = new Verifier(store).since(saved).chain(CHAIN);
        assertThat(report.ok()).as("every entry is still there and still has the saved root").isTrue();
        assertThat(report.unsignedEntries()).isEqualTo(100);
    }

    @Test
    void deletingAWholeChainIsCaughtBySince() throws Exception {
        record(30, 10);
        List<SignedHead> saved = witnessHeads();
        dropChain(CHAIN);

        VerifyReport report = new Verifier(store).since(saved);
        assertThat(report.ok()).isFalse();
        assertThat(report.chain(CHAIN).firstBad().reason())
                .isEqualTo("chain gw-1 is gone: a saved head has tree size 30 but the store has no such chain");
    }

    @Test
    void aForgedCallAppendedAfterTheLastHeadIsAlertedAtStartAndFailsVerification() throws Exception {
        record(20, 10);
        CallRecord forged = entries.call(START.plus(Duration.ofHours(2))).build();
        chain.append(forged); // valid hashes, after the closed head

        record(1, 10); // the gateway starts again
        ChainReport report = new Verifier(store).verify(CHAIN);
        assertThat(report.ok()).isFalse();
        assertThat(report.firstBad().seq()).isEqualTo(22);
        assertThat(report.firstBad().reason()).contains("integrity alert")
                .contains("1 entries (seq 21..21) follow the head at seq 20");
        assertThat(stored().get(21).entry()).isInstanceOfSatisfying(dev.tally.audit.entry.SecurityEvent.class,
                s -> assertThat(s.type()).isEqualTo(SecurityEventType.INTEGRITY_ALERT));
    }

    @Test
    void rehashingAndResigningWithARegisteredNewKeyIsCaughtByAPinnedKeyAndBySince() throws Exception {
        Map<String, PublicKey> pinned = record(30, 10);
        List<SignedHead> saved = witnessHeads();
        List<ChainedEntry> original = stored();
        SigningKeys attacker = SigningKeys.loadOrCreate(dataDir.resolve("attacker"));
        cutAfter(CHAIN, 0);
        List<AuditEntry> rewritten = new ArrayList<>();
        for (ChainedEntry e : original) {
            rewritten.add(e.seq() == 7 && e.entry() instanceof CallRecord call
                    ? call.toBuilder().costMicros(0L).build() : e.entry());
        }
        rewriteWith(attacker, rewritten, 10);
        store.registerSigningKey(attacker.keyId(), attacker.publicKeyBase64());

        ChainReport listed = new Verifier(store).verify(CHAIN);
        assertThat(listed.ok()).as("the store lists the attacker's key").isTrue();
        assertThat(listed.keyTrust()).isEqualTo(KeyTrust.STORE_LISTED);
        ChainReport withPin = new Verifier(store, pinned).verify(CHAIN);
        assertThat(withPin.ok()).isFalse();
        assertThat(withPin.keyTrust()).isEqualTo(KeyTrust.PINNED);
        assertThat(withPin.firstBad().reason()).contains("not pinned, and not announced by a pinned head");
        assertThat(new Verifier(store).since(saved).chain(CHAIN).firstBad().reason())
                .contains("the chain was rewritten");
    }

    @Test
    void aForgedRetentionAnchorIsCaughtWithAPinnedKey() throws Exception {
        Map<String, PublicKey> pinned = record(30, 10);
        SigningKeys attacker = SigningKeys.loadOrCreate(dataDir.resolve("attacker"));
        store.registerSigningKey(attacker.keyId(), attacker.publicKeyBase64());
        List<ChainedEntry> rows = stored();
        MerkleFrontier tree = new MerkleFrontier();
        rows.subList(0, 25).forEach(e -> tree.appendEntry(e.hash()));
        SignedHead anchor = attacker.sign(new SignedHead(SignedHead.Purpose.ANCHOR, CHAIN, 25, rows.get(24).hash(),
                tree.rootHex(), null, false, null, clock.instant(), null, null));
        store.commit(new WriteBatch(CHAIN, List.of(), List.of(), List.of(new AdminChange.Prune(anchor, tree.toHex())),
                List.of()));

        ChainReport withPin = new Verifier(store, pinned).verify(CHAIN);
        assertThat(withPin.ok()).isFalse();
        assertThat(withPin.firstBad().seq()).isEqualTo(25);
        assertThat(withPin.firstBad().reason()).startsWith("retention anchor at seq 25: signed by unknown key id");
    }

    /** The attacker's rewrite: {@code entries} chained from genesis, a head every {@code every}, all signed by {@code keys}. */
    private void rewriteWith(SigningKeys keys, List<AuditEntry> entries, int every) {
        List<ChainedEntry> placed = new ArrayList<>();
        List<SignedHead> heads = new ArrayList<>();
        Map<Long, List<String>> frontiers = new HashMap<>();
        MerkleFrontier tree = new MerkleFrontier();
        String prev = EntryHasher.GENESIS;
        for (int i = 0; i < entries.size(); i++) {
            long seq = i + 1;
            ChainedEntry e = EntryHasher.chain(CHAIN, seq, prev, entries.get(i));
            placed.add(e);
            prev = e.hash();
            tree.appendEntry(e.hash());
            if (seq % every == 0 || seq == entries.size()) {
                heads.add(keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, CHAIN, seq, e.hash(), tree.rootHex(),
                        heads.isEmpty() ? null : heads.getLast().headHash(), false, null, clock.instant(), null, null)));
                frontiers.put(seq, tree.toHex());
            }
        }
        store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(), heads, List.of(), frontiers));
    }
}
