package dev.tally.audit.recorder;

import dev.tally.audit.testing.FaultyStore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.recorder.internal.SpillJournal;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder on a real SQLite file, including a store that stops accepting writes for a while. */
class SqliteRecorderTest {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 5);

    static List<String> ids(SqliteAuditStore store) {
        List<String> ids = new ArrayList<>();
        store.scan(CHAIN, row -> ids.add(row.columns().id()));
        return ids;
    }

    @Test
    void theWriterLetsTheStorePaceItsCommitsOnlyWhileItKeepsUp() throws Exception {
        try (FaultyStore store = new FaultyStore(SqliteAuditStore.open(dir.resolve("tally.db")))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir), clock);
            try {
                assertThat(store.keepingUp).as("given at start").isNotNull();
                assertThat(store.keepingUp.getAsBoolean()).as("nothing waits").isTrue();

                java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
                store.commitGate = gate;
                recorder.record(entries.call(entries.nextId()));
                store.committing.await(); // the writer holds that call's commit
                for (int i = 0; i < 20; i++) {
                    recorder.record(entries.call(entries.nextId()));
                }
                assertThat(store.keepingUp.getAsBoolean()).as("20 writes wait behind a commit").isFalse();

                store.commitGate = null;
                gate.countDown();
                recorder.flush();
                assertThat(store.keepingUp.getAsBoolean()).as("caught up").isTrue();
            } finally {
                recorder.close();
            }
            assertThat(store.head(CHAIN).seq()).isEqualTo(21);
        }
    }

    @Test
    void aStoreThatStopsAcceptingWritesLosesNothingAndReplaysInOrder() throws Exception {
        Path db = dir.resolve("tally.db");
        List<List<String>> perThread = new ArrayList<>();
        RecorderStats stats;
        try (FaultyStore store = new FaultyStore(SqliteAuditStore.open(db))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir).withCheckpointEvery(50),
                    clock);
            AtomicBoolean outageSeen = new AtomicBoolean();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<List<String>>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    work.add(pool.submit(() -> {
                        List<String> mine = new ArrayList<>();
                        for (int i = 0; i < 300; i++) {
                            String id = entries.nextId();
                            recorder.open(entries.opening(id));
                            if (thread == 0 && i == 100) {
                                store.down = true; // the disk goes read-only mid-traffic
                            }
                            if (thread == 0 && i == 200) {
                                outageSeen.set(!recorder.storeHealthy());
                                store.down = false;
                            }
                            if (i % 50 == 0) {
                                assertThat(recorder.recordAndWait(entries.call(id))).isIn(Receipt.STORED,
                                        Receipt.SPILLED);
                            } else {
                                recorder.record(entries.call(id));
                            }
                            mine.add(id);
                        }
                        return mine;
                    }));
                }
                for (Future<List<String>> f : work) {
                    perThread.add(f.get());
                }
            }
            recorder.flush();
            stats = recorder.stats();
            recorder.close();
            assertThat(outageSeen).isTrue();
        }

        assertThat(stats.lost()).isZero();
        assertThat(stats.spilled()).isPositive();
        assertThat(stats.replayed()).isEqualTo(stats.spilled());
        assertThat(stats.storeErrors()).isPositive();
        assertThat(Files.size(dir.resolve(SpillJournal.FILE_NAME))).isZero();
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            List<String> stored = ids(store);
            assertThat(stored).hasSize(4 * 300).doesNotHaveDuplicates();
            for (List<String> mine : perThread) {
                assertThat(stored).containsSubsequence(mine);
            }
            assertThat(store.openings(CHAIN)).isEmpty();
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
    }

    @Test
    void interruptedCallsAdminChangesAndRetentionOnSqlite() throws Exception {
        Path db = dir.resolve("tally.db");
        String open = entries.nextId();
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir), clock);
            for (int i = 0; i < 10; i++) {
                recorder.record(entries.call());
            }
            recorder.openAndWait(entries.opening(open));
            recorder.close(); // stops with the call in flight
        }
        clock.advance(Duration.ofDays(31));
        try (SqliteAuditStore store = SqliteAuditStore.open(db);
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir), clock)) {
            ChainedEntry interrupted = store.entry(open).orElseThrow();
            assertThat(((CallRecord) interrupted.entry()).status()).isEqualTo(CallStatus.INTERRUPTED);
            assertThat(interrupted.seq()).isEqualTo(11);

            recorder.commitChange(new AdminChange.CreateKey(RecorderFixture.key("k1", "team-a")),
                    entries.admin(AdminEventType.KEY_CREATED, "k1"));
            assertThat(store.keyByName("team-a")).isPresent();

            SignedHead anchor = recorder.prune(clock.instant().minus(Duration.ofDays(30)), "cli").orElseThrow();
            // the interrupted record carries its call's start time, so it is old enough too
            assertThat(anchor.seq()).isEqualTo(11);
            recorder.flush();
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            assertThat(new Verifier(store).verify().chain(CHAIN).entries()).isEqualTo(2); // key event, retention
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
    }
}
