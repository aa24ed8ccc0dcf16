package dev.tally.cli;

import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A data directory with a small, varied audit log written by the real {@link Recorder} on chain
 * {@value #CHAIN}: two keys (team-a = key-1, team-b = key-2), six calls over two days with every
 * outcome the tables show (priced, unpriced, error with a formula-like message, refused, a bare
 * call with no figures; one with a kept payload), two security events and the keys' admin events.
 */
final class SeededStore {

    static final String CHAIN = "gw-seed";
    static final Instant T0 = Entries.T0;
    /** An error message a spreadsheet would run as a formula if exported naively. */
    static final String FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")";

    /** The kept request and response bodies of the fourth call (claude-sonnet, payload full). */
    static final String REQUEST = "{\"model\":\"claude-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String RESPONSE = "Hello!\nHow can I help?";

    final Path data;
    /** The calls, oldest first. */
    final List<CallRecord> calls = new ArrayList<>();

    private SeededStore(Path data) {
        this.data = data;
    }

    static SeededStore write(Path data) throws InterruptedException {
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            return write(data, store);
        }
    }

    /** The same log written into {@code store} (any store; it stays open), with the recorder's files in {@code data}. */
    static SeededStore write(Path data, dev.tally.audit.store.AuditStore store) throws InterruptedException {
        SeededStore seeded = new SeededStore(data);
        Entries entries = new Entries();
        Clock clock = Clock.fixed(T0.plus(Duration.ofDays(2)), ZoneOffset.UTC);
        try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, data).withCheckpointEvery(4), clock)) {
            recorder.commitChange(new AdminChange.CreateKey(Entries.key("key-1", "team-a", T0.minusSeconds(120))),
                    entries.admin(T0.minusSeconds(120), AdminEventType.KEY_CREATED, "key-1"));
            recorder.commitChange(new AdminChange.CreateKey(Entries.key("key-2", "team-b", T0.minusSeconds(60))),
                    entries.admin(T0.minusSeconds(60), AdminEventType.KEY_CREATED, "key-2"));
            seeded.add(recorder, entries.call(T0).tag("tier", "pro").build());
            seeded.add(recorder, entries.call(T0.plusSeconds(60)).model("gpt-4o").keyId("key-2").keyName("team-b")
                    .status(CallStatus.ERROR).httpStatus(502).errorCode("upstream_error").errorMessage(FORMULA)
                    .costMicros(null).priceId(null).outputTokens(null).ttftMs(null).build());
            seeded.add(recorder, entries.call(T0.plusSeconds(120)).keyId("key-2").keyName("team-b").user("alice")
                    .status(CallStatus.REFUSED).httpStatus(429).errorCode("rate_limited").inputTokens(null)
                    .cachedInputTokens(null).outputTokens(null).costMicros(null).priceId(null).durationMs(3L)
                    .ttftMs(null).build());
            CallRecord kept = entries.call(T0.plusSeconds(3600)).model("claude-sonnet").provider("anthropic")
                    .user("alice").costMicros(3000L).tag("tier", "free").payload(PayloadMode.FULL).build();
            seeded.calls.add(kept);
            recorder.record(kept, new StoredPayload(kept.id(), PayloadMode.FULL, REQUEST, RESPONSE, "a".repeat(64),
                    "b".repeat(64), false, T0.plusSeconds(3601)));
            seeded.add(recorder, entries.call(T0.plus(Duration.ofDays(1))).build());
            seeded.add(recorder, entries.bareCall(T0.plus(Duration.ofDays(1)).plusSeconds(60)).build());
            recorder.record(entries.security(T0.plusSeconds(300), SecurityEventType.AUTH_FAILURE));
            recorder.record(entries.security(T0.plusSeconds(360), SecurityEventType.RATE_LIMITED));
            recorder.flush();
        }
        return seeded;
    }

    private void add(Recorder recorder, CallRecord call) {
        calls.add(call);
        recorder.record(call);
    }

    /** The calls newest first, as the log lists them. */
    List<CallRecord> newestFirst() {
        List<CallRecord> list = new ArrayList<>(calls);
        java.util.Collections.reverse(list);
        return list;
    }

    /** What the store holds, newest first (for comparing against command output). */
    List<AuditEntry> stored() {
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            return store.calls(CallQuery.all(1000)).data().stream().map(e -> e.entry()).toList();
        }
    }
}
