package dev.tally.audit.testing;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.keys.VirtualKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sample entries, keys and signed heads for tests. Ids are real UUIDv7 values whose time part
 * is the entry's own time, from a seeded source, so runs are repeatable. Not thread-safe (one
 * instance per test).
 */
public final class Entries {

    /** A whole UTC hour, the default start of sample data: 2026-03-02T10:00:00Z. */
    public static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final IdSource ids = new IdSource(Clock.fixed(T0, ZoneOffset.UTC), new SplittableRandom(7));

    /** A UUIDv7 with the given time. */
    public String id(Instant at) {
        return ids.nextAt(at);
    }

    /**
     * A complete successful chat call at {@code at}: key {@code key-1}, model {@code gpt-4o-mini}
     * from {@code openai}, 100 input tokens (20 cached), 40 output tokens, 150 micro-USD,
     * 250 ms, ttft 80 ms. Change fields on the returned builder.
     */
    public CallRecord.Builder call(Instant at) {
        return CallRecord.builder()
                .id(id(at))
                .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .startedAt(at)
                .durationMs(250L)
                .ttftMs(80L)
                .upstreamMs(230L)
                .keyId("key-1")
                .keyName("team-a")
                .keyPrefix("tk-3f9a1c")
                .clientIp("10.0.0.7")
                .userAgent("openai-python/1.40.0")
                .operation(Operation.CHAT)
                .endpoint("/v1/chat/completions")
                .protocol(Protocol.OPENAI)
                .stream(true)
                .model("gpt-4o-mini")
                .servedModel("gpt-4o-mini-2024-07-18")
                .provider("openai")
                .attempts(1)
                .status(CallStatus.SUCCESS)
                .httpStatus(200)
                .inputTokens(100L)
                .cachedInputTokens(20L)
                .outputTokens(40L)
                .usageSource(UsageSource.REPORTED)
                .costMicros(150L)
                .priceId("prices-2026-01")
                .finishReason("stop")
                .requestBytes(512L)
                .responseBytes(2048L)
                .payload(PayloadMode.NONE);
    }

    /** A call at {@code at} with every optional figure absent: no tokens, cost, latency or ttft. */
    public CallRecord.Builder bareCall(Instant at) {
        return CallRecord.builder().id(id(at)).startedAt(at).status(CallStatus.SUCCESS);
    }

    /** A security event of {@code type} at {@code at}. */
    public SecurityEvent security(Instant at, SecurityEventType type) {
        return new SecurityEvent(id(at), at, type, null, null, "tk-3f9a1c", "10.0.0.9", "curl/8.5", "gpt-4o-mini",
                401, "sample " + type.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** An admin event of {@code type} at {@code at} about {@code target}. */
    public AdminEvent admin(Instant at, AdminEventType type, String target) {
        return new AdminEvent(id(at), at, type, "admin-api", target, Map.of(), Map.of("name", target), "sample change");
    }

    /** An enabled key with no limits, created at {@code createdAt}; its secret hash derives from its name. */
    public static VirtualKey key(String id, String name, Instant createdAt) {
        return new VirtualKey(id, name, secretHash("tk-secret-" + name), "tk-" + name.hashCode(), java.util.List.of(),
                null, null, null, null, null, true, null, Map.of(), createdAt, null);
    }

    /** The hex SHA-256 of a secret, as a key stores it. */
    public static String secretHash(String secret) {
        return HexFormat.of().formatHex(dev.tally.audit.chain.EntryHasher.sha256()
                .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * A signed head with a syntactically valid but unchecked signature: stores keep signatures
     * without verifying them; verifier tests sign with {@link dev.tally.audit.chain.SigningKeys}.
     */
    public static SignedHead head(SignedHead.Purpose purpose, String chain, long seq, String hash, Instant at) {
        return new SignedHead(purpose, chain, seq, hash, at, "0123456789abcdef",
                java.util.Base64.getEncoder().encodeToString(new byte[64]));
    }
}
