package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.FaultyStore;
import dev.tally.audit.verify.Verifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed heads around a store outage: entries committed before it wait for a head while no head
 * can be committed, spilled writes are not chained (the journal's MAC covers them), and once the
 * store is back the waiting entries and the replayed ones are signed without waiting another
 * {@code sign_interval}. The injected clock never moves after the outage, so a head that appears
 * can only come from the unsigned clock that kept running through it.
 */
class RecorderHeadsOutageTest {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 23);
    SqliteAuditStore store;
    FaultyStore faulty;

    @BeforeEach
    void open() {
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
        faulty = new FaultyStore(store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Waits for {@code done}; a generous bound turns a missing head into a failure instead of a hang. */
    private static void awaitOrFail(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("never happened: " + what);
            }
            Thread.sleep(5);
        }
    }

    private long lastHeadSeq() {
        List<SignedHead> heads = store.checkpoints(CHAIN);
        return heads.isEmpty() ? 0 : heads.getLast().seq();
    }

    @Test
    void entriesThatWaitedThroughAnOutageAndTheReplayedOnesAreSignedOnceTheStoreIsBack() throws Exception {
        Recorder recorder = Recorder.start(faulty, RecorderConfig.defaults(CHAIN, dir)
                .withSignInterval(Duration.ofSeconds(1)), clock);
        for (int i = 0; i < 3; i++) {
            recorder.record(entries.call());
        }
        recorder.flush();
        assertThat(store.head(CHAIN).seq()).isEqualTo(3);
        assertThat(store.checkpoints(CHAIN)).as("not a second old yet").isEmpty();

        faulty.down = true;
        clock.advance(Duration.ofSeconds(5)); // a head is due now, and cannot be committed
        awaitOrFail("the writer tried to sign and failed", () -> recorder.stats().storeErrors() > 0);
        for (int i = 0; i < 2; i++) {
            recorder.record(entries.call()); // spilled: in the journal, not chained
        }
        awaitOrFail("two writes spilled", () -> recorder.stats().spilled() >= 2);
        assertThat(store.head(CHAIN).seq()).isEqualTo(3);
        assertThat(store.checkpoints(CHAIN)).isEmpty();

        faulty.down = false; // the clock stays where it is
        awaitOrFail("a head over the waiting and the replayed entries", () -> lastHeadSeq() == 5);
        SignedHead head = store.checkpoints(CHAIN).getLast();
        assertThat(head.closed()).isFalse();
        assertThat(new Verifier(store).verify(CHAIN).ok()).isTrue();
        recorder.close();
    }

    @Test
    void replayedEntriesAreSignedOneSignIntervalAfterTheirCommit() throws Exception {
        Recorder recorder = Recorder.start(faulty, RecorderConfig.defaults(CHAIN, dir)
                .withSignInterval(Duration.ofSeconds(1)), clock);
        faulty.down = true;
        for (int i = 0; i < 4; i++) {
            recorder.record(entries.call());
        }
        awaitOrFail("four writes spilled", () -> recorder.stats().spilled() >= 4);
        assertThat(store.head(CHAIN).seq()).as("nothing was in the store before the outage").isZero();

        faulty.down = false;
        awaitOrFail("the journal replayed", () -> store.head(CHAIN).seq() == 4);
        clock.advance(Duration.ofSeconds(1));
        awaitOrFail("a head one sign_interval after the replayed entries' commit", () -> lastHeadSeq() == 4);
        assertThat(new Verifier(store).verify(CHAIN).ok()).isTrue();
        recorder.close();
    }
}
