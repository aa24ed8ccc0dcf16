package dev.tally.audit.recorder;

import dev.tally.audit.testing.Await;
import dev.tally.audit.testing.SqliteTestStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.WriteBatch;
import dev.tally.audit.testing.FaultyStore;
import dev.tally.audit.verify.Verifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault injection: the spill journal's disk fills up or writes short ({@link FaultyDisk}), the
 * store fails ({@link FaultyStore}), or both. Whatever happens, every write a caller saw
 * acknowledged (STORED or SPILLED) ends up in the store once the faults are gone, nothing is
 * stored twice, the chain stays gap-free, and every write handed over is either stored or counted
 * as lost.
 */
class RecorderFaultTest extends RecorderFixture {

    static final int CALLERS = 16;

    final FaultyStore faulty = new FaultyStore(store);
    final FaultyDisk disk = new FaultyDisk();
    final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    final Logger recorderLog = Logger.getLogger("dev.tally.audit.recorder");
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        recorderLog.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        recorderLog.removeHandler(capture);
    }

    Recorder startFaulty(RecorderConfig config) {
        Recorder recorder = Recorder.startOnFiles(faulty, config, clock, disk);
        started.add(recorder);
        return recorder;
    }

    /** What concurrent callers saw. */
    record Outcome(List<String> acknowledged, List<String> failed, List<String> fireAndForget) {
        int handedOver() {
            return acknowledged.size() + failed.size() + fireAndForget.size();
        }
    }

    /** {@link #CALLERS} threads, each {@code perCaller} times: one waited-for record and one fire-and-forget. */
    Outcome write(Recorder recorder, int perCaller) throws Exception {
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        List<String> async = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perCaller; i++) {
                        CallRecord waited = entries.call();
                        try {
                            Receipt receipt = recorder.recordAndWait(waited);
                            assertThat(receipt).isIn(Receipt.STORED, Receipt.SPILLED);
                            acknowledged.add(waited.id());
                        } catch (StoreException e) {
                            failed.add(waited.id());
                        }
                        CallRecord fired = entries.call();
                        async.add(fired.id());
                        recorder.record(fired);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new Outcome(acknowledged, failed, async);
    }

    static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(what, condition::getAsBoolean);
    }

    /** Everything acknowledged is stored once, the chain is gap-free and verifies, nothing vanished uncounted. */
    void assertNothingAcknowledgedLost(Recorder recorder, List<Outcome> outcomes) {
        List<ChainedEntry> rows = store.entries(CHAIN);
        List<String> ids = rows.stream().map(e -> e.entry().id()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(rows).extracting(ChainedEntry::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, rows.size()).boxed().toList());
        assertThat(new Verifier(store).verify().ok()).isTrue();
        long handedOver = 0;
        for (Outcome outcome : outcomes) {
            assertThat(ids).containsAll(outcome.acknowledged());
            if (!outcome.failed().isEmpty()) {
                assertThat(ids).doesNotContainAnyElementsOf(outcome.failed());
            }
            handedOver += outcome.handedOver();
        }
        RecorderStats stats = recorder.stats();
        assertThat(rows.size() + stats.lost()).isEqualTo(handedOver);
        assertThat(stats.lost()).isGreaterThanOrEqualTo(outcomes.stream().mapToLong(o -> o.failed().size()).sum());
    }

    @Test
    void aFullDiskAndAFailingStoreLoseNothingAcknowledgedAndRecoverByThemselves() throws Exception {
        Recorder recorder = startFaulty(config());
        Outcome healthy = write(recorder, 10);
        assertThat(healthy.failed()).isEmpty();

        faulty.down = true;
        disk.free(20_000);
        Outcome outage = write(recorder, 40);

        assertThat(outage.failed()).isNotEmpty();
        assertThat(recorder.recordable()).isFalse();
        assertThat(recorder.storeHealthy()).isFalse();
        assertThat(recorder.stats().writesCommitting()).isFalse();
        assertThat(recorder.stats().lost()).isGreaterThanOrEqualTo(outage.failed().size());

        disk.unlimited();
        faulty.down = false;
        await("recordable again", recorder::recordable); // no new traffic needed
        await("replayed", () -> recorder.stats().writesCommitting() && recorder.stats().journalBytes() == 0);
        Outcome after = write(recorder, 5);
        recorder.flush();

        assertThat(after.failed()).isEmpty();
        assertNothingAcknowledgedLost(recorder, List.of(healthy, outage, after));
        // one line per kind of failure per 10 s, no stack traces: not one per lost write
        assertThat(logged).allSatisfy(r -> assertThat(r.getThrown()).isNull());
        assertThat(logged.size()).isLessThan(20);
        assertThat(recorder.stats().lost()).isGreaterThan(20);
    }

    @Test
    void shortWritesAndEnospcInTheJournalNeverLeaveAPartialRecord() throws Exception {
        disk.shortWrites = true;
        Recorder recorder = startFaulty(config());
        faulty.down = true;
        disk.free(30_000);
        Outcome outage = write(recorder, 20);
        assertThat(disk.enospc.get()).isPositive();
        CloseResult closed = recorder.close(Duration.ofSeconds(5));
        assertThat(closed.stored()).isZero();

        disk.unlimited();
        faulty.down = false;
        disk.shortWrites = false;
        Recorder next = startFaulty(config());

        assertThat(next.journalTailBytesCut()).isZero(); // cut at once, never left for replay
        List<String> ids = storedIds();
        assertThat(ids).containsAll(outage.acknowledged()).doesNotHaveDuplicates();
        if (!outage.failed().isEmpty()) {
            assertThat(ids).doesNotContainAnyElementsOf(outage.failed());
        }
        assertThat(ids.size() + recorder.stats().lost() + closed.notDurable()).isEqualTo(outage.handedOver());
    }

    @Test
    void aFailingStoreAloneSpillsEverythingAndReplaysIt() throws Exception {
        Recorder recorder = startFaulty(config());
        faulty.down = true;
        Outcome outage = write(recorder, 30);
        assertThat(outage.failed()).isEmpty();
        assertThat(recorder.recordable()).isTrue(); // the journal takes the writes
        assertThat(recorder.stats().journalBytes()).isPositive();

        faulty.down = false;
        await("replayed", () -> recorder.stats().journalBytes() == 0 && recorder.storeHealthy());
        recorder.flush();

        assertThat(recorder.stats().lost()).isZero();
        assertNothingAcknowledgedLost(recorder, List.of(outage));
    }

    @Test
    void aJournalThatCannotBeReadIsRetriedQuietlyAndReplayResumesWhenItCanBe() throws Exception {
        Recorder recorder = startFaulty(config());
        faulty.down = true;
        Outcome outage = write(recorder, 20);
        recorder.flush(); // every spilled record is on disk, none in memory
        disk.failReads = true;
        faulty.down = false;
        long errorsBefore = logged.stream().filter(r -> r.getLevel() == java.util.logging.Level.SEVERE).count();
        await("replay tried three times", () -> disk.readFailures.get() >= 3); // and backed off between

        assertThat(recorder.stats().journalBytes()).isPositive();
        long errorsAfter = logged.stream().filter(r -> r.getLevel() == java.util.logging.Level.SEVERE).count();
        assertThat(errorsAfter - errorsBefore).isLessThanOrEqualTo(1); // once per 10 s, not once per attempt

        disk.failReads = false;
        await("replayed", () -> recorder.stats().journalBytes() == 0 && recorder.storeHealthy());
        recorder.flush();
        assertNothingAcknowledgedLost(recorder, List.of(outage));
        assertThat(recorder.stats().lost()).isZero();
    }

    @Test
    void aFullJournalDiskWithAWorkingStoreLosesNothing() throws Exception {
        Recorder recorder = startFaulty(config());
        disk.free(0);
        Outcome outcome = write(recorder, 30);
        recorder.flush();

        assertThat(outcome.failed()).isEmpty();
        assertThat(recorder.stats().lost()).isZero();
        assertNothingAcknowledgedLost(recorder, List.of(outcome));
    }

    @Test
    void theJournalCapMakesTheRecorderUnrecordableAndCountsWhatItCouldNotTake() throws Exception {
        Recorder recorder = startFaulty(config().withJournalMaxBytes(RecorderConfig.MIN_JOURNAL_MAX_BYTES));
        faulty.down = true;
        int handed = 0;
        while (recorder.recordable() && handed < 20_000) {
            recorder.recordAndWait(entries.call());
            handed++;
        }
        assertThat(recorder.recordable()).isFalse();
        int extra = 0;
        for (int i = 0; i < 200; i++) { // past the 64 KiB reserve that made it unrecordable
            try {
                recorder.recordAndWait(entries.call());
            } catch (StoreException expected) {
                extra++;
            }
        }
        assertThat(extra).isPositive();
        assertThat(recorder.stats().lost()).isEqualTo(extra);
        assertThat(recorder.stats().journalBytes()).isLessThanOrEqualTo(RecorderConfig.MIN_JOURNAL_MAX_BYTES);

        faulty.down = false;
        await("recordable again", recorder::recordable);
        recorder.flush();
        assertThat(store.entries(CHAIN)).hasSize(handed + 200 - extra);
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void closeWithTheStoreDownAndTheDiskFullReturnsAndCountsWhatIsNotDurable() throws Exception {
        Recorder recorder = startFaulty(config());
        faulty.down = true;
        disk.free(0);
        for (int i = 0; i < 40; i++) {
            recorder.record(entries.call());
        }
        await("spilled", () -> recorder.stats().queueDepth() == 0 && recorder.stats().spilled() == 40);

        CloseResult closed = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> recorder.close(Duration.ofSeconds(1)));

        assertThat(closed).isEqualTo(new CloseResult(0, 0, 40));
        assertThat(closed.allDurable()).isFalse();
    }

    @Test
    void closeWithTheStoreDownFsyncsTheQueueIntoTheJournal() throws Exception {
        Recorder recorder = startFaulty(config());
        faulty.down = true;
        for (int i = 0; i < 40; i++) {
            recorder.record(entries.call());
        }

        CloseResult closed = recorder.close(Duration.ofSeconds(2));

        assertThat(closed).isEqualTo(new CloseResult(0, 40, 0));
        faulty.down = false;
        startFaulty(config());
        assertThat(storedIds()).hasSize(40);
    }

    @Test
    void closeReturnsWithinItsTimeoutWhenAStoreCommitNeverReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger blocked = new AtomicInteger();
        SqliteTestStore stuck = new SqliteTestStore() {
            @Override
            public void commit(WriteBatch batch) {
                if (!batch.entries().isEmpty()) {
                    blocked.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.commit(batch);
            }
        };
        Recorder recorder = Recorder.startOnFiles(stuck, config(), clock, disk);
        try {
            for (int i = 0; i < 25; i++) {
                recorder.record(entries.call());
            }
            await("the writer blocked in a commit", () -> blocked.get() == 1);

            CloseResult closed = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> recorder.close(Duration.ofMillis(300)));

            assertThat(closed.notDurable()).isEqualTo(25);
            assertThat(closed.stored()).isZero();
        } finally {
            release.countDown();
        }
    }
}
