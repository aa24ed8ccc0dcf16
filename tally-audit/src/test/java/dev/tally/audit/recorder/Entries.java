package dev.tally.audit.recorder;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.id.IdSource;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;

/** Test entries with real-looking fields. Thread-safe (the id source is). */
public final class Entries {

    private final IdSource ids;
    private final Clock clock;

    public Entries(Clock clock, long seed) {
        this.clock = clock;
        this.ids = new IdSource(clock, new SplittableRandom(seed));
    }

    public String nextId() {
        return ids.next();
    }

    /** The record of a call as known when it starts (for an opening marker). */
    public CallRecord started(String id) {
        return CallRecord.builder().id(id).startedAt(clock.instant()).keyId("key-1").keyName("team-a")
                .keyPrefix("tk-3f9a").user("alice").operation(Operation.CHAT).endpoint("/v1/chat/completions")
                .protocol(Protocol.OPENAI).stream(true).model("gpt-4o-mini").provider("openai")
                .status(CallStatus.SUCCESS).tag("tier", "gold").build();
    }

    public CallOpening opening(String id) {
        return new CallOpening(started(id));
    }

    /** A finished successful call. */
    public CallRecord call(String id) {
        return started(id).toBuilder().status(CallStatus.SUCCESS).httpStatus(200).durationMs(120L).ttftMs(40L)
                .upstreamMs(110L).servedModel("gpt-4o-mini-2024-07-18").attempts(1).inputTokens(100L)
                .outputTokens(20L).usageSource(UsageSource.REPORTED).costMicros(27L).priceId("p1")
                .finishReason("stop").build();
    }

    public CallRecord call() {
        return call(nextId());
    }

    public SecurityEvent security() {
        return new SecurityEvent(nextId(), clock.instant(), SecurityEventType.AUTH_FAILURE, null, null, "tk-0000",
                "10.0.0.1", "curl/8", null, 401, "unknown key");
    }

    public AdminEvent admin(AdminEventType type, String target) {
        return new AdminEvent(nextId(), clock.instant(), type, "admin-api", target, Map.of(),
                Map.of("name", target), "changed " + target);
    }

    public Instant now() {
        return clock.instant();
    }
}
