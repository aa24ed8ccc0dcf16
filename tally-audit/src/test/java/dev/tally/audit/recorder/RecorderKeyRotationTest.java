package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.ChainReport;
import dev.tally.audit.verify.KeyTrust;
import dev.tally.audit.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating the signing key on a real SQLite store: the new key is announced in a head signed by
 * the old one, so a verifier that pinned the old key follows; a key swapped in without that
 * announcement (a careless operator, or an attacker who replaces the key file and lists the new key
 * in the store) is refused under the pin; a rotation a stop interrupted is finished or undone at
 * the next start.
 */
class RecorderKeyRotationTest {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 31);
    SqliteAuditStore store;

    @BeforeEach
    void open() {
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Recorder start() {
        return Recorder.start(store, RecorderConfig.defaults(CHAIN, dir).withSignInterval(Duration.ofSeconds(1)),
                clock);
    }

    private void record(Recorder recorder, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            recorder.record(entries.call());
        }
        recorder.flush();
    }

    private Map<String, PublicKey> pin(String publicKeyBase64) {
        PublicKey key = SigningKeys.parsePublicKey(publicKeyBase64);
        return Map.of(SigningKeys.keyIdOf(key), key);
    }

    private List<SecurityEvent> alerts() {
        List<SecurityEvent> found = new ArrayList<>();
        store.scan(CHAIN, row -> {
            if (dev.tally.audit.chain.EntryHasher.parse(row.body()) instanceof SecurityEvent e
                    && e.type() == SecurityEventType.INTEGRITY_ALERT) {
                found.add(e);
            }
        });
        return found;
    }

    @Test
    void theNewKeyIsAnnouncedByTheOldOneAndAVerifierPinnedToTheOldKeyFollows() throws Exception {
        Recorder recorder = start();
        String oldKey = recorder.publicKeyBase64();
        record(recorder, 5);

        KeyRotated rotated = recorder.rotateSigningKey();
        assertThat(rotated.oldKeyId()).isEqualTo(SigningKeys.keyIdOf(SigningKeys.parsePublicKey(oldKey)));
        assertThat(rotated.keyId()).isNotEqualTo(rotated.oldKeyId());
        assertThat(recorder.publicKeyBase64()).isEqualTo(rotated.publicKey());
        SignedHead announcement = rotated.announcement().orElseThrow();
        assertThat(announcement.seq()).isEqualTo(5);
        assertThat(announcement.keyId()).isEqualTo(rotated.oldKeyId());
        assertThat(announcement.nextKey()).isEqualTo(rotated.publicKey());
        assertThat(SigningKeys.verify(announcement, SigningKeys.parsePublicKey(oldKey))).isTrue();
        assertThat(store.signingKeys()).containsKey(rotated.keyId());

        record(recorder, 3);
        recorder.close();
        List<SignedHead> heads = store.checkpoints(CHAIN);
        assertThat(heads).extracting(SignedHead::seq).containsExactly(5L, 8L);
        assertThat(heads.getLast().keyId()).isEqualTo(rotated.keyId());
        assertThat(heads.getLast().prevHead()).isEqualTo(announcement.headHash());

        SigningKeys onDisk = SigningKeys.loadOrCreate(dir);
        assertThat(onDisk.keyId()).as("the key file holds the new key").isEqualTo(rotated.keyId());
        assertThat(Files.readString(dir.resolve(SigningKeys.PUBLIC_FILE)).strip()).isEqualTo(rotated.publicKey());
        assertThat(dir.resolve("signing.key.next")).doesNotExist();
        assertThat(dir.resolve("signing.pub.next")).doesNotExist();

        ChainReport pinned = new Verifier(store, pin(oldKey)).verify(CHAIN);
        assertThat(pinned.ok()).isTrue();
        assertThat(pinned.keyTrust()).isEqualTo(KeyTrust.PINNED);

        Recorder again = start(); // the restart resumes under the new key without an alert
        assertThat(again.publicKeyBase64()).isEqualTo(rotated.publicKey());
        record(again, 2);
        again.close();
        assertThat(alerts()).isEmpty();
        assertThat(new Verifier(store, pin(oldKey)).verify(CHAIN).ok()).isTrue();
    }

    @Test
    void aRotationAtASeqThatHasAHeadReplacesItKeepingItsLinkAndACloseKeepsTheAnnouncement() throws Exception {
        Recorder recorder = start();
        String oldKey = recorder.publicKeyBase64();
        record(recorder, 4);
        clock.advance(Duration.ofSeconds(1));
        recorder.flush();
        while (store.checkpoints(CHAIN).isEmpty()) {
            Thread.sleep(5);
        }
        SignedHead before = store.checkpoints(CHAIN).getFirst();

        KeyRotated rotated = recorder.rotateSigningKey();
        recorder.close(); // nothing after the rotation: the close must not re-sign the announcement away

        List<SignedHead> heads = store.checkpoints(CHAIN);
        assertThat(heads).singleElement().satisfies(h -> {
            assertThat(h.seq()).isEqualTo(4);
            assertThat(h.root()).isEqualTo(before.root());
            assertThat(h.prevHead()).isEqualTo(before.prevHead());
            assertThat(h.nextKey()).isEqualTo(rotated.publicKey());
            assertThat(h.keyId()).isEqualTo(rotated.oldKeyId());
        });
        Recorder again = start();
        record(again, 1);
        again.close();
        assertThat(alerts()).isEmpty();
        assertThat(new Verifier(store, pin(oldKey)).verify(CHAIN).ok()).isTrue();
    }

    @Test
    void aKeySwappedInWithoutAnnouncementIsListedByTheStoreButRefusedUnderThePin() throws Exception {
        Recorder recorder = start();
        String oldKey = recorder.publicKeyBase64();
        record(recorder, 5);
        recorder.close();
        // The key file and signing.pub replaced together; the restart lists the new key in the store.
        SigningKeys.generate().writeTo(dir.resolve(SigningKeys.PRIVATE_FILE), dir.resolve(SigningKeys.PUBLIC_FILE));
        Recorder swapped = start();
        record(swapped, 3);
        swapped.close();

        ChainReport listed = new Verifier(store).verify(CHAIN);
        assertThat(listed.ok()).isTrue();
        assertThat(listed.keyTrust()).isEqualTo(KeyTrust.STORE_LISTED);
        ChainReport pinned = new Verifier(store, pin(oldKey)).verify(CHAIN);
        assertThat(pinned.ok()).isFalse();
        assertThat(pinned.firstBad().reason()).contains("not pinned, and not announced by a pinned head");
    }

    @Test
    void aPublicKeyFileThatIsNotThePrivateKeysIsRefusedAtStart() throws Exception {
        start().close();
        SigningKeys other = SigningKeys.generate();
        Files.writeString(dir.resolve(SigningKeys.PUBLIC_FILE), other.publicKeyBase64() + "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(this::start)
                .hasMessageContaining("are not one key pair");
    }

    @Test
    void aRotationInterruptedAfterItsAnnouncementIsFinishedAtTheNextStart() throws Exception {
        Recorder recorder = start();
        String oldKey = recorder.publicKeyBase64();
        record(recorder, 3);
        byte[] oldPrivate = Files.readAllBytes(dir.resolve(SigningKeys.PRIVATE_FILE));
        byte[] oldPublic = Files.readAllBytes(dir.resolve(SigningKeys.PUBLIC_FILE));
        KeyRotated rotated = recorder.rotateSigningKey();
        recorder.close();
        // As if the process stopped after the announcement committed, before the files moved.
        Files.move(dir.resolve(SigningKeys.PRIVATE_FILE), dir.resolve("signing.key.next"));
        Files.move(dir.resolve(SigningKeys.PUBLIC_FILE), dir.resolve("signing.pub.next"));
        Files.write(dir.resolve(SigningKeys.PRIVATE_FILE), oldPrivate);
        Files.write(dir.resolve(SigningKeys.PUBLIC_FILE), oldPublic);

        Recorder again = start();
        assertThat(again.publicKeyBase64()).isEqualTo(rotated.publicKey());
        assertThat(dir.resolve("signing.key.next")).doesNotExist();
        record(again, 2);
        again.close();
        assertThat(new Verifier(store, pin(oldKey)).verify(CHAIN).ok()).isTrue();
    }

    @Test
    void aRotationInterruptedBeforeItsAnnouncementIsUndoneAtTheNextStart() throws Exception {
        Recorder recorder = start();
        String oldKey = recorder.publicKeyBase64();
        record(recorder, 3);
        recorder.close();
        // As if the process stopped after writing the next pair, before the announcement committed.
        SigningKeys.generate().writeTo(dir.resolve("signing.key.next"), dir.resolve("signing.pub.next"));

        Recorder again = start();
        assertThat(again.publicKeyBase64()).isEqualTo(oldKey);
        assertThat(dir.resolve("signing.key.next")).doesNotExist();
        assertThat(dir.resolve("signing.pub.next")).doesNotExist();
        again.close();
        assertThat(new Verifier(store, pin(oldKey)).verify(CHAIN).ok()).isTrue();
    }

    @Test
    void anEmptyChainSwitchesKeysWithNothingToAnnounce() throws Exception {
        Recorder recorder = start();
        KeyRotated rotated = recorder.rotateSigningKey();
        assertThat(rotated.announcement()).isEmpty();
        record(recorder, 2);
        recorder.close();
        assertThat(store.checkpoints(CHAIN)).allSatisfy(h -> assertThat(h.keyId()).isEqualTo(rotated.keyId()));
        assertThat(new Verifier(store, pin(rotated.publicKey())).verify(CHAIN).ok()).isTrue();
    }
}
