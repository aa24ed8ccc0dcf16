package dev.tally.gateway.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.FaultyStore;
import dev.tally.audit.verify.Verifier;
import dev.tally.gateway.keys.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One retention run on a real SQLite store through the real recorder: what goes, what stays, what is on record. */
class RetentionRunTest {

    static final String CHAIN = "gw-retention";
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final String SHA = "c".repeat(64);

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T);
    final Entries entries = new Entries();
    SqliteAuditStore sqlite;
    FaultyStore store;
    Recorder recorder;

    @BeforeEach
    void open() {
        sqlite = SqliteAuditStore.open(dir.resolve("tally.db"));
        store = new FaultyStore(sqlite);
        recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir.resolve("gateway")).withCheckpointEvery(3), clock);
    }

    @AfterEach
    void close() {
        recorder.close();
        sqlite.close();
    }

    private RetentionRun run(Optional<Duration> entryRetention, Optional<Duration> payloadRetention) {
        return new RetentionRun(recorder, store, entryRetention, payloadRetention, new IdSource(clock, new SplittableRandom(3)),
                clock);
    }

    /** A call at {@code at} whose full payload was made at the same time, durable when this returns. */
    private CallRecord call(Instant at) throws InterruptedException {
        clock.set(at);
        CallRecord call = entries.call(at).payload(PayloadMode.FULL).build();
        recorder.recordAndWait(call, new StoredPayload(call.id(), PayloadMode.FULL, "question", "answer", SHA, SHA, false, at));
        return call;
    }

    private List<AdminEvent> retentionEvents() {
        return sqlite.events(new EventQuery("retention_run", null, null, 100, null)).data().stream()
                .map(ChainedEntry::entry).map(AdminEvent.class::cast).toList().reversed();
    }

    @Test
    void entries_past_retention_go_behind_a_signed_anchor_payloads_go_on_their_own_and_the_log_still_verifies()
            throws Exception {
        CallRecord first = call(T);
        CallRecord second = call(T.plus(Duration.ofDays(1)));
        CallRecord edge = call(T.plus(Duration.ofDays(2)));
        CallRecord recent = call(T.plus(Duration.ofDays(80)));
        clock.set(T.plus(Duration.ofDays(92)));

        RetentionOutcome outcome = run(Optional.of(Duration.ofDays(90)), Optional.of(Duration.ofDays(30))).run();

        Instant entryCutOff = T.plus(Duration.ofDays(2));
        Instant payloadCutOff = T.plus(Duration.ofDays(62));
        assertThat(outcome.entries()).isEqualTo(new PruneOutcome.Pruned(entryCutOff, 2));
        assertThat(outcome.payloads()).as("the pruned records' payloads went with them, uncounted")
                .isEqualTo(new PruneOutcome.Pruned(payloadCutOff, 1));
        assertThat(outcome.failed()).isFalse();
        assertThat(sqlite.entry(first.id())).isEmpty();
        assertThat(sqlite.entry(second.id())).isEmpty();
        assertThat(sqlite.payload(first.id())).isEmpty();
        assertThat(sqlite.entry(edge.id())).as("made exactly at the cut-off: kept").isPresent();
        assertThat(sqlite.payload(edge.id())).as("older than the payload retention").isEmpty();
        assertThat(sqlite.entry(recent.id())).isPresent();
        assertThat(sqlite.payload(recent.id())).isPresent();

        SignedHead anchor = sqlite.anchor(CHAIN).orElseThrow();
        assertThat(anchor.seq()).isEqualTo(2);
        assertThat(anchor.purpose()).isEqualTo(SignedHead.Purpose.ANCHOR);
        assertThat(Verifier.trusting(sqlite, recorder.publicKeyBase64()).verify().ok()).isTrue();

        List<AdminEvent> events = retentionEvents();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).actor()).isEqualTo(RetentionRun.ACTOR);
        assertThat(events.get(0).target()).isEqualTo(CHAIN);
        assertThat(events.get(0).after()).containsEntry("pruned_through_seq", "2")
                .containsEntry("before", "2026-01-03T00:00:00.000Z");
        assertThat(events.get(1).target()).isEqualTo(RetentionRun.PAYLOADS_TARGET);
        assertThat(events.get(1).after()).containsEntry("payloads_deleted", "1")
                .containsEntry("before", "2026-03-04T00:00:00.000Z");
    }

    @Test
    void a_run_with_nothing_old_enough_deletes_nothing_and_writes_no_event() throws Exception {
        call(T);
        clock.set(T.plus(Duration.ofDays(5)));
        RetentionRun run = run(Optional.of(Duration.ofDays(90)), Optional.of(Duration.ofDays(30)));

        RetentionOutcome outcome = run.run();

        assertThat(outcome.entries().deleted()).isZero();
        assertThat(outcome.payloads().deleted()).isZero();
        assertThat(outcome.entries()).isInstanceOf(PruneOutcome.Pruned.class);
        assertThat(retentionEvents()).isEmpty();
        assertThat(sqlite.anchor(CHAIN)).isEmpty();
    }

    @Test
    void what_is_kept_forever_is_never_touched() throws Exception {
        CallRecord old = call(T);
        clock.set(T.plus(Duration.ofDays(4_000)));
        RetentionRun run = run(Optional.empty(), Optional.empty());

        assertThat(run.prunesAnything()).isFalse();
        RetentionOutcome outcome = run.run();

        assertThat(outcome.entries()).isEqualTo(new PruneOutcome.KeptForever());
        assertThat(outcome.payloads()).isEqualTo(new PruneOutcome.KeptForever());
        assertThat(sqlite.entry(old.id())).isPresent();
        assertThat(sqlite.payload(old.id())).isPresent();
    }

    @Test
    void payloads_alone_can_have_a_retention_while_entries_are_kept_forever() throws Exception {
        CallRecord old = call(T);
        clock.set(T.plus(Duration.ofDays(31)));

        RetentionOutcome outcome = run(Optional.empty(), Optional.of(Duration.ofDays(30))).run();

        assertThat(outcome.entries()).isEqualTo(new PruneOutcome.KeptForever());
        assertThat(outcome.payloads().deleted()).isEqualTo(1);
        assertThat(sqlite.entry(old.id())).isPresent();
        assertThat(sqlite.payload(old.id())).isEmpty();
        assertThat(Verifier.trusting(sqlite, recorder.publicKeyBase64()).verify().ok()).isTrue();
    }

    @Test
    void a_failing_store_fails_the_run_without_throwing_and_the_next_run_catches_up() throws Exception {
        CallRecord old = call(T);
        call(T.plus(Duration.ofDays(100)));
        clock.set(T.plus(Duration.ofDays(100)));
        RetentionRun run = run(Optional.of(Duration.ofDays(90)), Optional.of(Duration.ofDays(30)));

        store.down = true;
        RetentionOutcome failed = run.run();

        assertThat(failed.failed()).isTrue();
        assertThat(failed.entries()).isInstanceOf(PruneOutcome.Failed.class);
        assertThat(failed.payloads()).isInstanceOf(PruneOutcome.Failed.class);
        assertThat(((PruneOutcome.Failed) failed.payloads()).error()).contains("injected");
        assertThat(sqlite.entry(old.id())).as("nothing was deleted").isPresent();
        assertThat(sqlite.anchor(CHAIN)).isEmpty();

        store.down = false;
        RetentionOutcome next = run.run();

        assertThat(next.failed()).isFalse();
        assertThat(next.entries().deleted()).isEqualTo(1);
        assertThat(sqlite.entry(old.id())).isEmpty();
        assertThat(Verifier.trusting(sqlite, recorder.publicKeyBase64()).verify().ok()).isTrue();
    }
}
