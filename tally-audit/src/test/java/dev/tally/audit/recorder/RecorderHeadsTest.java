package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.store.WriteBatch;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed tree heads written by the recorder on a real SQLite store: when they are written, what
 * they hold, and what a restart checks before it appends (an unsigned tail from a crash is signed;
 * entries after a cleanly closed head are an integrity alert).
 */
class RecorderHeadsTest {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 11);
    final List<SignedHead> heard = new CopyOnWriteArrayList<>();
    SqliteAuditStore store;

    @BeforeEach
    void open() {
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private RecorderConfig config() {
        return RecorderConfig.defaults(CHAIN, dir).withSignInterval(Duration.ofSeconds(1));
    }

    private Recorder start(RecorderConfig config) {
        return Recorder.start(store, config, clock, heard::add);
    }

    /** Waits (without a deadline of its own: the test's timeout is the surefire one) until {@code done}. */
    private static void await(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            Thread.sleep(5);
        }
    }

    private MerkleFrontier treeOfStoredEntries() {
        MerkleFrontier tree = new MerkleFrontier();
        store.scan(CHAIN, row -> tree.appendEntry(row.hash()));
        return tree;
    }

    @Test
    void aHeadIsSignedOnceTheFirstUnsignedEntryIsSignIntervalOldEvenWithoutTraffic() throws Exception {
        Recorder recorder = start(config());
        for (int i = 0; i < 3; i++) {
            recorder.record(entries.call());
        }
        recorder.flush();
        assertThat(store.checkpoints(CHAIN)).as("the clock has not moved: nothing is due").isEmpty();

        clock.advance(Duration.ofMillis(999));
        recorder.flush();
        assertThat(store.checkpoints(CHAIN)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        await(() -> !store.checkpoints(CHAIN).isEmpty());

        SignedHead head = store.checkpoints(CHAIN).getFirst();
        assertThat(head.seq()).isEqualTo(3);
        assertThat(head.root()).isEqualTo(treeOfStoredEntries().rootHex());
        assertThat(head.prevHead()).isNull();
        assertThat(head.closed()).isFalse();
        assertThat(SigningKeys.verify(head, SigningKeys.parsePublicKey(recorder.publicKeyBase64()))).isTrue();
        assertThat(store.frontier(CHAIN, 3)).get().extracting(MerkleFrontier::rootHex).isEqualTo(head.root());
        await(() -> heard.size() == 1);
        assertThat(heard).containsExactly(head);
        recorder.close();
    }

    @Test
    void headsEveryCheckpointEveryEntriesLinkToTheirPredecessor() throws Exception {
        Recorder recorder = start(config().withCheckpointEvery(5));
        for (int i = 0; i < 12; i++) {
            recorder.record(entries.call());
        }
        recorder.flush();
        clock.advance(Duration.ofSeconds(1));
        await(() -> store.checkpoints(CHAIN).size() == 3);
        List<SignedHead> heads = store.checkpoints(CHAIN);
        assertThat(heads).extracting(SignedHead::seq).containsExactly(5L, 10L, 12L);
        assertThat(heads.get(0).prevHead()).isNull();
        assertThat(heads.get(1).prevHead()).isEqualTo(heads.get(0).headHash());
        assertThat(heads.get(2).prevHead()).isEqualTo(heads.get(1).headHash());
        MerkleFrontier tree = new MerkleFrontier();
        List<String> hashes = new ArrayList<>();
        store.scan(CHAIN, row -> hashes.add(row.hash()));
        for (int i = 0; i < 12; i++) {
            tree.appendEntry(hashes.get(i));
            if (i + 1 == 5 || i + 1 == 10) {
                assertThat(heads.get(i / 5).root()).isEqualTo(tree.rootHex());
            }
        }
        recorder.close();
    }

    @Test
    void aCleanCloseMarksTheHeadClosedWithoutASecondHeadAtTheSameSeq() throws Exception {
        Recorder recorder = start(config());
        recorder.record(entries.call());
        recorder.record(entries.call());
        recorder.flush();
        clock.advance(Duration.ofSeconds(1));
        await(() -> !store.checkpoints(CHAIN).isEmpty());
        SignedHead open = store.checkpoints(CHAIN).getFirst();
        recorder.close();

        List<SignedHead> heads = store.checkpoints(CHAIN);
        assertThat(heads).hasSize(1);
        SignedHead closed = heads.getFirst();
        assertThat(closed.seq()).isEqualTo(2);
        assertThat(closed.closed()).isTrue();
        assertThat(closed.root()).isEqualTo(open.root());
        assertThat(closed.prevHead()).isEqualTo(open.prevHead());
    }

    @Test
    void aRestartContinuesTheTreeFromTheStoredFrontier() throws Exception {
        Recorder first = start(config());
        for (int i = 0; i < 7; i++) {
            first.record(entries.call());
        }
        first.close();
        SignedHead closed = store.checkpoints(CHAIN).getLast();
        assertThat(closed.closed()).isTrue();

        Recorder second = start(config());
        for (int i = 0; i < 6; i++) {
            second.record(entries.call());
        }
        second.close();
        SignedHead last = store.checkpoints(CHAIN).getLast();
        assertThat(last.seq()).isEqualTo(13);
        assertThat(last.root()).isEqualTo(treeOfStoredEntries().rootHex());
        assertThat(last.prevHead()).isEqualTo(closed.headHash());
        assertThat(alerts()).isEmpty();
    }

    // ---- start-up after a stop: what is found after the last signed head ----

    /**
     * Writes {@code total} honest entries with the recorder's own key, a head at {@code headAt}
     * (closed or not), and no head over the rest: what a gateway leaves behind when killed after
     * {@code headAt} was signed (or, when {@code closed}, after a clean close followed by appends).
     */
    private List<ChainedEntry> leftBehind(int total, int headAt, boolean closed) throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dir);
        store.registerSigningKey(keys.keyId(), keys.publicKeyBase64());
        List<ChainedEntry> placed = new ArrayList<>();
        MerkleFrontier tree = new MerkleFrontier();
        String prev = EntryHasher.GENESIS;
        for (int seq = 1; seq <= total; seq++) {
            ChainedEntry e = EntryHasher.chain(CHAIN, seq, prev, entries.call());
            placed.add(e);
            prev = e.hash();
            tree.appendEntry(e.hash());
            if (seq == headAt) {
                SignedHead head = keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, CHAIN, seq, e.hash(),
                        tree.rootHex(), null, closed, null, clock.instant(), null, null));
                store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(), List.of(head), List.of(),
                        Map.of((long) seq, tree.toHex())));
            }
        }
        store.commit(new WriteBatch(CHAIN, List.of(), placed.subList(headAt, total), List.of(), List.of()));
        return placed;
    }

    private List<SecurityEvent> alerts() {
        List<SecurityEvent> alerts = new ArrayList<>();
        store.scan(CHAIN, row -> {
            if (EntryHasher.parse(row.body()) instanceof SecurityEvent event
                    && event.type() == SecurityEventType.INTEGRITY_ALERT) {
                alerts.add(event);
            }
        });
        return alerts;
    }

    @Test
    void anHonestUnsignedTailAfterAKillIsSignedWithinSignIntervalWithoutAnAlert() throws Exception {
        leftBehind(20, 12, false);
        Recorder recorder = start(config());
        assertThat(alerts()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        await(() -> store.checkpoints(CHAIN).getLast().seq() == 20);
        SignedHead head = store.checkpoints(CHAIN).getLast();
        assertThat(head.root()).isEqualTo(treeOfStoredEntries().rootHex());
        assertThat(head.prevHead()).isEqualTo(store.checkpoints(CHAIN).getFirst().headHash());
        recorder.close();
    }

    @Test
    void entriesAppendedAfterACleanCloseRaiseAnIntegrityAlert() throws Exception {
        leftBehind(20, 12, true); // valid hashes, no signature over 13..20: nobody but the gateway appends
        Recorder recorder = start(config());
        List<SecurityEvent> alerts = alerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.getFirst().detail()).contains("chain gw-1 seq 13..20")
                .contains("8 entries (seq 13..20) follow the head at seq 12 that this gateway's clean close signed");
        recorder.close();
    }

    @Test
    void anEditedEntryInTheUnsignedTailRaisesAnIntegrityAlert() throws Exception {
        leftBehind(10, 4, false);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
                var s = c.createStatement()) {
            s.executeUpdate("UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'gpt', 'gpx') AS BLOB)"
                    + " WHERE chain = 'gw-1' AND seq = 7");
        }
        Recorder recorder = start(config());
        assertThat(alerts()).singleElement().extracting(SecurityEvent::detail).asString()
                .contains("seq 7: hash does not match the stored body");
        recorder.close();
    }

    @Test
    void aForgedHeadFrontierRaisesAnIntegrityAlert() throws Exception {
        leftBehind(10, 8, false);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
                var s = c.createStatement()) {
            s.executeUpdate("UPDATE checkpoints SET frontier = '" + "00".repeat(32) + "' WHERE seq = 8");
        }
        Recorder recorder = start(config());
        assertThat(alerts()).singleElement().extracting(SecurityEvent::detail).asString()
                .contains("signed head at seq 8: the stored tree gives root");
        recorder.close();
    }
}
