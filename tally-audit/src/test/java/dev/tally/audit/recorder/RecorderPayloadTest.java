package dev.tally.audit.recorder;

import dev.tally.audit.testing.SqliteTestStore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.store.StoredPayload;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A closing record's payload rides in the record's batch; spilling drops it, never the record. */
class RecorderPayloadTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 11);
    final SqliteTestStore store = new SqliteTestStore();
    Recorder recorder;

    @AfterEach
    void close() {
        if (recorder != null) {
            recorder.close();
        }
        store.close();
    }

    StoredPayload payloadOf(AuditEntry entry) {
        return new StoredPayload(entry.id(), PayloadMode.FULL, "{\"q\":1}", "answer", "a".repeat(64),
                "b".repeat(64), false, clock.instant());
    }

    @Test
    void aPayloadIsStoredWithItsRecord() throws Exception {
        recorder = Recorder.start(store, RecorderConfig.defaults("gw-1", dir), clock);
        AuditEntry call = entries.call();
        StoredPayload payload = payloadOf(call);

        recorder.record(call, payload);
        recorder.record(entries.call(), null);
        recorder.flush();

        assertThat(store.entry(call.id())).isPresent();
        assertThat(store.payload(call.id())).contains(payload);
        assertThat(recorder.payloadsDropped()).isZero();
    }

    @Test
    void recordAndWaitStoresThePayloadBeforeItReturns() throws Exception {
        recorder = Recorder.start(store, RecorderConfig.defaults("gw-1", dir).withDurability(Durability.SYNC), clock);
        AuditEntry call = entries.call();

        assertThat(recorder.recordAndWait(call, payloadOf(call))).isEqualTo(Receipt.STORED);

        assertThat(store.payload(call.id())).contains(payloadOf(call));
    }

    @Test
    void aPayloadOfAnotherRecordIsRefusedButTheRecordIsKept() throws Exception {
        recorder = Recorder.start(store, RecorderConfig.defaults("gw-1", dir), clock);
        AuditEntry call = entries.call();
        AuditEntry other = entries.call();

        recorder.record(call, payloadOf(other));
        recorder.flush();

        assertThat(store.entry(call.id())).isPresent();
        assertThat(store.payload(call.id())).isEmpty();
        assertThat(store.payload(other.id())).isEmpty();
    }

    @Test
    void aSpilledRecordKeepsItsRecordAndDropsItsPayload() throws Exception {
        recorder = Recorder.start(store, RecorderConfig.defaults("gw-1", dir), clock);
        store.failing = true;
        AuditEntry call = entries.call();

        recorder.record(call, payloadOf(call));
        recorder.flush(); // the commit fails: the record goes to the journal, without its payload
        assertThat(recorder.stats().spilled()).isEqualTo(1);
        assertThat(recorder.payloadsDropped()).isEqualTo(1);

        store.failing = false;
        recorder.flush();
        assertThat(store.entry(call.id())).isPresent();
        assertThat(store.payload(call.id())).isEmpty();
        assertThat(recorder.stats().lost()).isZero();
    }
}
