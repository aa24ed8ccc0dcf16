package dev.tally.gateway.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.FaultyStore;
import dev.tally.gateway.keys.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule: a run at start, runs that go on after failures, nothing left running after close. */
class RetentionSchedulerTest {

    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void runs_at_start_keeps_running_through_failures_and_stops_on_close() throws Exception {
        MutableClock clock = new MutableClock(T);
        try (SqliteAuditStore sqlite = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            FaultyStore store = new FaultyStore(sqlite);
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-s", dir.resolve("gateway")), clock);
            try {
                CallRecord old = new Entries().call(T).build();
                recorder.recordAndWait(old);
                clock.set(T.plus(Duration.ofDays(2)));
                store.down = true;
                RetentionRun run = new RetentionRun(recorder, store, Optional.of(Duration.ofDays(1)),
                        Optional.of(Duration.ofHours(1)), new IdSource(clock, new SplittableRandom(1)), clock);

                try (RetentionScheduler scheduler = RetentionScheduler.start(run, Duration.ofMillis(20))) {
                    awaitTrue(() -> scheduler.stats().failedRuns() >= 2);
                    assertThat(sqlite.entry(old.id())).isPresent();
                    assertThat(scheduler.stats().entriesDeleted()).isZero();

                    store.down = false;
                    awaitTrue(() -> scheduler.stats().entriesDeleted() == 1);
                    assertThat(sqlite.entry(old.id())).isEmpty();
                    RetentionStats stats = scheduler.stats();
                    assertThat(stats.runs()).isGreaterThan(stats.failedRuns());
                    assertThat(stats.last()).isPresent();
                }
                assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("tally-retention"));
            } finally {
                recorder.close();
            }
        }
    }

    /** Waits for a condition the scheduler's thread makes true; fails after five minutes instead of hanging. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within five minutes");
            }
            Thread.sleep(5);
        }
    }
}
