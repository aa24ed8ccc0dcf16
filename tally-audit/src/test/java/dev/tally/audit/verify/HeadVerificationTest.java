package dev.tally.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.recorder.Entries;
import dev.tally.audit.recorder.MutableClock;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the verifier says about signed heads: roots, links, unsigned entries, pinned keys, rotation. */
class HeadVerificationTest {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 3);
    final VerifierTest.TamperedStore store = new VerifierTest.TamperedStore();
    SigningKeys keys;

    @BeforeEach
    void writeTwelveEntriesWithHeadsEveryFour() throws Exception {
        try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir).withCheckpointEvery(4),
                clock)) {
            for (int i = 0; i < 12; i++) {
                recorder.record(entries.call());
            }
        }
        keys = SigningKeys.loadOrCreate(dir);
    }

    private static Map<String, PublicKey> pin(SigningKeys k) {
        return Map.of(k.keyId(), k.publicKey());
    }

    @Test
    void aVerifiedChainReportsItsLatestHeadUnsignedEntriesAndKeyTrust() {
        ChainReport plain = new Verifier(store).verify(CHAIN);
        assertThat(plain.ok()).isTrue();
        assertThat(plain.keyTrust()).isEqualTo(KeyTrust.STORE_LISTED);
        assertThat(plain.latestHead().seq()).isEqualTo(12);
        assertThat(plain.latestHead().closed()).isTrue();
        assertThat(plain.unsignedEntries()).isZero();

        store.commit(new dev.tally.audit.store.WriteBatch(CHAIN, List.of(), List.of(
                dev.tally.audit.chain.EntryHasher.chain(CHAIN, 13, store.head(CHAIN).hash(), entries.call())),
                List.of(), List.of()));
        ChainReport pinned = new Verifier(store, pin(keys)).verify(CHAIN);
        assertThat(pinned.keyTrust()).isEqualTo(KeyTrust.PINNED);
        assertThat(pinned.unsignedEntries()).isEqualTo(1);
        assertThat(pinned.ok()).isTrue();
    }

    @Test
    void aDeletedMiddleHeadBreaksTheLinkOfTheNextOne() {
        List<SignedHead> heads = new ArrayList<>(store.checkpoints(CHAIN));
        assertThat(heads).extracting(SignedHead::seq).containsExactly(4L, 8L, 12L);
        heads.remove(1);
        store.checkpoints = heads;
        FirstBad bad = new Verifier(store).verify(CHAIN).firstBad();
        assertThat(bad.seq()).isEqualTo(12);
        assertThat(bad.reason()).contains("does not link to the checkpoint at seq 4");
    }

    @Test
    void deletingTheFirstHeadsIsSeenInTheLinkOfTheFirstKeptOne() {
        store.checkpoints = List.of(store.checkpoints(CHAIN).getLast());
        FirstBad bad = new Verifier(store).verify(CHAIN).firstBad();
        assertThat(bad.seq()).isEqualTo(12);
        assertThat(bad.reason()).contains("links to a previous head that is not stored");
    }

    @Test
    void aRotatedKeyIsTrustedOnlyWhenAnOlderTrustedHeadAnnouncedIt() throws Exception {
        SigningKeys next = SigningKeys.loadOrCreate(dir.resolve("next"));
        List<SignedHead> stored = store.checkpoints(CHAIN);
        SignedHead first = stored.get(0);
        SignedHead announcing = keys.sign(new SignedHead(first.purpose(), CHAIN, first.seq(), first.hash(), first.root(),
                null, false, next.publicKeyBase64(), first.at(), null, null));
        List<SignedHead> rotated = new ArrayList<>(List.of(announcing));
        for (SignedHead h : stored.subList(1, stored.size())) {
            rotated.add(next.sign(new SignedHead(h.purpose(), CHAIN, h.seq(), h.hash(), h.root(),
                    rotated.getLast().headHash(), h.closed(), null, h.at(), null, null)));
        }
        store.checkpoints = rotated;
        assertThat(new Verifier(store, pin(keys)).verify(CHAIN).ok()).isTrue();

        List<SignedHead> unannounced = new ArrayList<>(List.of(keys.sign(new SignedHead(first.purpose(), CHAIN,
                first.seq(), first.hash(), first.root(), null, false, null, first.at(), null, null))));
        for (SignedHead h : stored.subList(1, stored.size())) {
            unannounced.add(next.sign(new SignedHead(h.purpose(), CHAIN, h.seq(), h.hash(), h.root(),
                    unannounced.getLast().headHash(), h.closed(), null, h.at(), null, null)));
        }
        store.checkpoints = unannounced;
        store.registerSigningKey(next.keyId(), next.publicKeyBase64());
        ChainReport pinned = new Verifier(store, pin(keys)).verify(CHAIN);
        assertThat(pinned.ok()).isFalse();
        assertThat(pinned.firstBad().seq()).isEqualTo(8);
        assertThat(pinned.firstBad().reason()).contains("not pinned, and not announced by a pinned head");
        assertThat(new Verifier(store).verify(CHAIN).ok()).as("the store lists the new key").isTrue();
    }
}
