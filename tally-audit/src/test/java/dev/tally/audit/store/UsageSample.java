package dev.tally.audit.store;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.testing.Entries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Six calls over three hours (plus two events that usage must ignore), with figures chosen so
 * every usage expectation can be worked out by hand:
 *
 * <pre>
 * call at        key model    provider  status    user  tags                  in(cached,write) out(reas) cost  dur  ttft
 * c1 10:10       k1  gpt-a    openai    success   alice tier=gold             100 (40,10)      50 (20)   1000  200  50
 * c2 10:40       k1  gpt-a    openai    error     bob   -                     10               -         -     100  -
 * c3 11:05       k2  claude-b anthropic success   alice tier=silver           300 (100)        30        5000  1000 300
 * c4 11:30       k2  claude-b anthropic cancelled -     tier=gold             20               5         70    400  -
 * c5 12:15       k1  gpt-a    openai    success   bob   tier=gold,job=nightly 1000             100       2000  300  80
 * c6 12:50       k1  claude-b anthropic refused   alice -                     -                -         -     -    -
 * </pre>
 * All on 2026-03-02 (UTC).
 */
final class UsageSample {

    static final Instant H10 = Entries.T0;
    static final Instant H11 = H10.plus(Duration.ofHours(1));
    static final Instant H12 = H10.plus(Duration.ofHours(2));

    private UsageSample() {
    }

    static List<AuditEntry> entries(Entries e) {
        return List.of(
                e.bareCall(at(10, 10)).keyId("k1").model("gpt-a").provider("openai").user("alice").tag("tier", "gold")
                        .inputTokens(100L).cachedInputTokens(40L).cacheWriteTokens(10L).outputTokens(50L)
                        .reasoningTokens(20L).costMicros(1000L).durationMs(200L).ttftMs(50L).build(),
                e.security(at(10, 20), SecurityEventType.AUTH_FAILURE),
                e.bareCall(at(10, 40)).keyId("k1").model("gpt-a").provider("openai").status(CallStatus.ERROR)
                        .user("bob").inputTokens(10L).durationMs(100L).build(),
                e.bareCall(at(11, 5)).keyId("k2").model("claude-b").provider("anthropic").user("alice")
                        .tag("tier", "silver").inputTokens(300L).cachedInputTokens(100L).outputTokens(30L)
                        .costMicros(5000L).durationMs(1000L).ttftMs(300L).build(),
                e.bareCall(at(11, 30)).keyId("k2").model("claude-b").provider("anthropic")
                        .status(CallStatus.CANCELLED).tag("tier", "gold").inputTokens(20L).outputTokens(5L)
                        .costMicros(70L).durationMs(400L).build(),
                e.admin(at(11, 45), dev.tally.audit.entry.AdminEventType.CONFIG_CHANGED, "audit"),
                e.bareCall(at(12, 15)).keyId("k1").model("gpt-a").provider("openai").user("bob").tag("tier", "gold")
                        .tag("job", "nightly").inputTokens(1000L).outputTokens(100L).costMicros(2000L).durationMs(300L)
                        .ttftMs(80L).build(),
                e.bareCall(at(12, 50)).keyId("k1").model("claude-b").provider("anthropic").status(CallStatus.REFUSED)
                        .user("alice").build());
    }

    /** 2026-03-02 at {@code hour}:{@code minute} UTC. */
    static Instant at(int hour, int minute) {
        return H10.plus(Duration.ofHours(hour - 10L).plusMinutes(minute));
    }
}
