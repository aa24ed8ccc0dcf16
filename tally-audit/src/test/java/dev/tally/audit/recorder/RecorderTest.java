package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.recorder.internal.JournalOp;
import dev.tally.audit.recorder.internal.SpillJournal;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.verify.Verifier;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RecorderTest extends RecorderFixture {

    @Test
    void recordsAreChainedInOrderWithGapFreeSeqs() throws Exception {
        Recorder recorder = start(config());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            AuditEntry entry = i % 3 == 0 ? entries.security() : entries.call();
            ids.add(entry.id());
            recorder.record(entry);
        }
        recorder.flush();

        List<ChainedEntry> rows = store.entries(CHAIN);
        assertThat(rows).extracting(e -> e.entry().id()).containsExactlyElementsOf(ids);
        assertThat(rows).extracting(ChainedEntry::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 250).boxed().toList());
        assertThat(new Verifier(store).verify().ok()).isTrue();
        assertThat(recorder.stats().committed()).isEqualTo(250);
        assertThat(recorder.stats().headSeq()).isEqualTo(250);
        assertThat(recorder.stats().lost()).isZero();
        assertThat(recorder.stats().queueDepth()).isZero();
    }

    @Test
    void registersItsPublicKeyAndSignsCheckpointsEveryNAndOnClose() throws Exception {
        Recorder recorder = start(config().withCheckpointEvery(10));
        for (int i = 0; i < 25; i++) {
            recorder.recordAndWait(entries.call());
        }
        recorder.close();

        SigningKeys keys = SigningKeys.loadOrCreate(dir);
        assertThat(store.signingKeys()).containsEntry(keys.keyId(), keys.publicKeyBase64());
        List<SignedHead> checkpoints = store.checkpoints(CHAIN);
        assertThat(checkpoints).extracting(SignedHead::seq).startsWith(10L, 20L).endsWith(25L);
        assertThat(checkpoints).allSatisfy(c -> {
            assertThat(SigningKeys.verify(c, keys.publicKey())).isTrue();
            assertThat(c.hash()).isEqualTo(store.entries(CHAIN).get((int) c.seq() - 1).hash());
        });
        assertThat(Verifier.trusting(store, keys.publicKeyBase64()).verify().ok()).isTrue();
    }

    @Test
    void continuesTheChainAcrossRestarts() throws Exception {
        Recorder first = start(config());
        first.record(entries.call());
        first.record(entries.call());
        first.close();
        Recorder second = start(config());
        second.recordAndWait(entries.call());

        assertThat(store.entries(CHAIN)).extracting(ChainedEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void waitersShareOneCommit() throws Exception {
        Recorder recorder = start(config().withDurability(Durability.SYNC));
        recorder.recordAndWait(entries.call()); // the writer is idle again after this
        store.holdCommits = new CountDownLatch(1);
        store.commitEntered.drainPermits();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Receipt> first = pool.submit(() -> recorder.recordAndWait(entries.call()));
            store.commitEntered.acquire(); // the first waiter's commit is stuck in the store
            List<Future<Receipt>> others = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                others.add(pool.submit(() -> recorder.recordAndWait(entries.call())));
            }
            while (recorder.stats().queueDepth() < 40) {
                Thread.onSpinWait();
            }
            int commitsBefore = store.commits();
            store.holdCommits.countDown();
            assertThat(first.get()).isEqualTo(Receipt.STORED);
            for (Future<Receipt> other : others) {
                assertThat(other.get()).isEqualTo(Receipt.STORED);
            }
            // 40 waiters that queued during one commit are answered by one more commit
            assertThat(store.commits() - commitsBefore).isEqualTo(2);
        }
    }

    @Test
    void aFailingStoreSpillsAndEverythingIsReplayedInOrderWhenItRecovers() throws Exception {
        Recorder recorder = start(config().withDurability(Durability.SYNC));
        List<String> ids = new ArrayList<>();
        AuditEntry before = entries.call();
        ids.add(before.id());
        assertThat(recorder.recordAndWait(before)).isEqualTo(Receipt.STORED);

        store.failing = true;
        for (int i = 0; i < 30; i++) {
            AuditEntry entry = entries.call();
            ids.add(entry.id());
            if (i % 5 == 0) {
                assertThat(recorder.recordAndWait(entry)).isEqualTo(Receipt.SPILLED);
            } else {
                recorder.record(entry);
            }
        }
        recorder.flush(); // durable in the journal
        assertThat(recorder.storeHealthy()).isFalse();
        assertThat(recorder.stats().spilled()).isEqualTo(30);
        assertThat(recorder.stats().storeErrors()).isPositive();
        assertThat(storedIds()).containsExactly(before.id());
        assertThat(Files.size(dir.resolve(SpillJournal.FILE_NAME))).isPositive();

        store.failing = false;
        recorder.flush();

        assertThat(storedIds()).containsExactlyElementsOf(ids);
        assertThat(recorder.stats().replayed()).isEqualTo(30);
        assertThat(recorder.stats().lost()).isZero();
        assertThat(recorder.storeHealthy()).isTrue();
        assertThat(Files.size(dir.resolve(SpillJournal.FILE_NAME))).isZero();
        assertThat(new Verifier(store).verify().ok()).isTrue();
        // after the journal drained, writes go straight to the store again
        assertThat(recorder.recordAndWait(entries.call())).isEqualTo(Receipt.STORED);
    }

    @Test
    void statsShowTheQueueAndTheAgeOfTheOldestWaitingWrite() throws Exception {
        Recorder recorder = start(config());
        assertThat(recorder.stats().writerLagMillis()).isZero();
        store.holdCommits = new CountDownLatch(1);
        store.commitEntered.drainPermits();
        recorder.record(entries.call());
        store.commitEntered.acquire(); // the writer holds that one in a slow commit
        for (int i = 0; i < 5; i++) {
            recorder.record(entries.call());
        }
        Thread.sleep(25);

        RecorderStats stats = recorder.stats();
        assertThat(stats.queueDepth()).isEqualTo(5);
        assertThat(stats.writerLagMillis()).isGreaterThanOrEqualTo(25);
        assertThat(stats.committed()).isZero();

        store.holdCommits.countDown();
        recorder.flush();
        assertThat(recorder.stats()).extracting(RecorderStats::queueDepth, RecorderStats::writerLagMillis,
                RecorderStats::committed, RecorderStats::headSeq).containsExactly(0L, 0L, 6L, 6L);
    }

    @Test
    void aFullQueueSpillsWithoutBlockingAndKeepsEachThreadsOrder() throws Exception {
        Recorder recorder = start(config().withQueueCapacity(16));
        recorder.recordAndWait(entries.call());
        store.holdCommits = new CountDownLatch(1);
        store.commitEntered.drainPermits();
        recorder.record(entries.call());
        store.commitEntered.acquire(); // the writer is stuck in a slow commit

        int threads = 4;
        int callsPerThread = 25;
        List<List<String>> perThread = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        String id = entries.nextId();
                        recorder.open(entries.opening(id));
                        recorder.record(entries.call(id));
                        mine.add(id);
                    }
                    return mine;
                }));
            }
            for (Future<List<String>> f : done) {
                perThread.add(f.get()); // every caller returned while the store was still stuck
            }
        }
        assertThat(recorder.stats().spilled()).isPositive();
        assertThat(store.holdCommits.getCount()).isOne();

        store.holdCommits.countDown();
        recorder.flush();

        List<String> stored = storedIds();
        assertThat(stored).hasSize(2 + threads * callsPerThread);
        for (List<String> mine : perThread) {
            assertThat(stored).containsSubsequence(mine);
        }
        // no closing record went in before its marker: no marker is left behind
        assertThat(store.openings(CHAIN)).isEmpty();
        assertThat(recorder.stats().lost()).isZero();
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void pruneLeavesASignedAnchorAndARetentionEventAndTheRestVerifies() throws Exception {
        Recorder recorder = start(config().withCheckpointEvery(3));
        List<String> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CallRecord call = entries.call();
            old.add(call.id());
            recorder.record(call);
        }
        recorder.flush();
        clock.advance(Duration.ofDays(40));
        CallRecord recent = entries.call();
        recorder.recordAndWait(recent);

        Optional<SignedHead> anchor = recorder.prune(clock.instant().minus(Duration.ofDays(30)), "cli");

        assertThat(anchor).isPresent();
        assertThat(anchor.get().seq()).isEqualTo(5);
        assertThat(anchor.get().purpose()).isEqualTo(SignedHead.Purpose.ANCHOR);
        assertThat(store.anchor(CHAIN)).isEqualTo(anchor);
        List<ChainedEntry> rows = store.entries(CHAIN);
        assertThat(rows).extracting(ChainedEntry::seq).containsExactly(6L, 7L);
        assertThat(rows.get(0).entry().id()).isEqualTo(recent.id());
        assertThat(rows.get(1).entry()).isInstanceOfSatisfying(dev.tally.audit.entry.AdminEvent.class, e -> {
            assertThat(e.type()).isEqualTo(AdminEventType.RETENTION_RUN);
            assertThat(e.actor()).isEqualTo("cli");
            assertThat(e.after()).containsEntry("pruned_through_seq", "5");
        });
        assertThat(new Verifier(store).verify().ok()).isTrue();
        assertThat(recorder.prune(Instant.parse("2020-01-01T00:00:00Z"), "cli")).isEmpty();
    }

    @Test
    void openCallsLeftByAStopBecomeInterruptedRecordsOnStart() throws Exception {
        Recorder first = start(config());
        String finished = entries.nextId();
        String cutOff = entries.nextId();
        first.openAndWait(entries.opening(finished));
        first.openAndWait(entries.opening(cutOff));
        first.recordAndWait(entries.call(finished));
        assertThat(store.openings(CHAIN)).extracting(o -> o.id()).containsExactly(cutOff);
        first.close(); // a clean stop with a call in flight; a crash leaves the same marker

        Recorder second = start(config());

        assertThat(store.openings(CHAIN)).isEmpty();
        ChainedEntry last = store.entries(CHAIN).getLast();
        assertThat(last.entry()).isInstanceOfSatisfying(CallRecord.class, r -> {
            assertThat(r.id()).isEqualTo(cutOff);
            assertThat(r.status()).isEqualTo(CallStatus.INTERRUPTED);
            assertThat(r.errorCode()).isEqualTo("gateway_interrupted");
            assertThat(r.durationMs()).isNull();
            assertThat(r.usageSource()).isEqualTo(UsageSource.UNKNOWN);
            assertThat(r.model()).isEqualTo("gpt-4o-mini");
            assertThat(r.keyId()).isEqualTo("key-1");
        });
        assertThat(second.stats().headSeq()).isEqualTo(2);
        assertThat(store.entries(CHAIN)).extracting(ChainedEntry::seq).containsExactly(1L, 2L);
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void aLeftoverJournalIsReplayedBeforeAnythingElseAndThenInterruptionsAreClosed() throws Exception {
        String openedInJournal = entries.nextId();
        String closedInJournal = entries.nextId();
        try (SpillJournal journal = SpillJournal.open(dir.resolve(SpillJournal.FILE_NAME))) {
            journal.append(List.of(JournalOp.open(entries.opening(closedInJournal)),
                    JournalOp.open(entries.opening(openedInJournal)),
                    JournalOp.append(entries.call(closedInJournal))));
            journal.sync();
        }

        Recorder recorder = start(config());
        CallRecord after = entries.call();
        recorder.recordAndWait(after);

        List<ChainedEntry> rows = store.entries(CHAIN);
        assertThat(rows).extracting(e -> e.entry().id()).containsExactly(closedInJournal, openedInJournal, after.id());
        assertThat(((CallRecord) rows.get(1).entry()).status()).isEqualTo(CallStatus.INTERRUPTED);
        assertThat(recorder.stats().replayed()).isEqualTo(3);
        assertThat(Files.size(dir.resolve(SpillJournal.FILE_NAME))).isZero();
    }

    @Test
    void writesAlreadyInTheStoreAreNotReplayedTwice() throws Exception {
        CallRecord call = entries.call();
        Recorder first = start(config());
        first.recordAndWait(call);
        first.close();
        // a crash after the commit but before the journal was emptied leaves it there
        try (SpillJournal journal = SpillJournal.open(dir.resolve(SpillJournal.FILE_NAME))) {
            journal.append(List.of(JournalOp.append(call)));
        }

        start(config());

        assertThat(storedIds()).containsExactly(call.id());
    }

    @Test
    void aSecondRecorderOnTheSameDataDirectoryIsRefused() {
        start(config());

        assertThatThrownBy(() -> start(RecorderConfig.defaults("other-chain", dir)))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("held by another recorder");
    }

    @Test
    void startFailsLoudlyWhenTheStoreCannotBeRead() {
        store.readsFailing = true;
        assertThatThrownBy(() -> start(config())).isInstanceOf(StoreException.class);
    }

    @Test
    void recordNeverThrowsEvenAfterClose() {
        Recorder recorder = start(config());
        recorder.close();
        recorder.record(entries.call());
        recorder.open(entries.opening(entries.nextId()));
        assertThat(recorder.stats().lost()).isEqualTo(2);
    }

    @Test
    void callsThatWaitAfterCloseAreAnsweredInsteadOfHanging() {
        Recorder recorder = start(config());
        recorder.close();
        recorder.close(); // idempotent

        assertThatThrownBy(recorder::flush).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> recorder.recordAndWait(entries.call())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> recorder.commitChange(new AdminChange.PutSetting("a", "b"),
                entries.admin(AdminEventType.SETTING_CHANGED, "a"))).isInstanceOf(IllegalStateException.class);
    }

}
