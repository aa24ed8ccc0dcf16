package dev.tally.bench;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.id.IdSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes realistic call records for benchmarks: 50 keys, 8 models on 3 providers, a mix of
 * statuses, streamed and not, with tags, tool calls and cached tokens, spread evenly over a
 * time range. Deterministic for a given seed. Not thread-safe.
 */
final class TrafficGenerator {

    static final int KEYS = 50;
    static final List<String> MODELS = List.of("gpt-4o", "gpt-4o-mini", "o3-mini", "text-embedding-3-small",
            "claude-sonnet-4", "claude-haiku-4", "llama-3.1-70b", "mistral-large");
    private static final List<String> PROVIDERS = List.of("openai", "openai", "openai", "openai",
            "anthropic", "anthropic", "together", "together");
    private static final List<String> TIERS = List.of("free", "pro", "enterprise");

    private final SplittableRandom random;
    private final IdSource ids;
    private final long startMillis;
    private final long stepMillis;
    private final long stepRemainder;
    private final long count;
    private long n;

    /**
     * @param seed random seed
     * @param from first record's start
     * @param spanMillis records are spread over this many milliseconds
     * @param count how many records will be generated
     */
    TrafficGenerator(long seed, Instant from, long spanMillis, long count) {
        this.random = new SplittableRandom(seed);
        this.ids = new IdSource(Clock.fixed(from, ZoneOffset.UTC), new java.util.Random(seed));
        this.startMillis = from.toEpochMilli();
        this.stepMillis = Math.max(0, spanMillis / Math.max(1, count));
        this.stepRemainder = count == 0 ? 0 : spanMillis % Math.max(1, count);
        this.count = count;
    }

    /** The key id used for key number {@code i}. */
    static String keyId(int i) {
        return "key-" + i;
    }

    /** The next record, later than the previous one. */
    /** The first {@code count} records of a generator made with these arguments. */
    static CallRecord[] records(long seed, Instant from, long spanMillis, int count) {
        TrafficGenerator generator = new TrafficGenerator(seed, from, spanMillis, count);
        CallRecord[] records = new CallRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = generator.next();
        }
        return records;
    }

    CallRecord next() {
        long at = startMillis + n * stepMillis + (count == 0 ? 0 : n * stepRemainder / count);
        n++;
        int key = random.nextInt(KEYS);
        int model = random.nextInt(MODELS.size());
        int roll = random.nextInt(100);
        CallStatus status = roll < 90 ? CallStatus.SUCCESS
                : roll < 95 ? CallStatus.ERROR
                : roll < 98 ? CallStatus.REFUSED
                : CallStatus.CANCELLED;
        boolean stream = random.nextBoolean();
        long input = 50 + random.nextInt(4000);
        long cached = random.nextInt(4) == 0 ? input / 2 : 0;
        long output = status == CallStatus.REFUSED ? 0 : 10 + random.nextInt(1500);
        long duration = 80 + (long) (Math.abs(random.nextDouble() * random.nextDouble()) * 8000);
        Instant started = Instant.ofEpochMilli(at);
        CallRecord.Builder b = CallRecord.builder()
                .id(ids.nextAt(started))
                .traceId(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()))
                .startedAt(started)
                .durationMs(duration)
                .upstreamMs(duration - 2)
                .keyId(keyId(key))
                .keyName("app-" + key)
                .keyPrefix("tk-" + Integer.toHexString(0x100000 + key))
                .user(random.nextInt(3) == 0 ? "user-" + random.nextInt(500) : null)
                .tag("tier", TIERS.get(key % TIERS.size()))
                .tag("pipeline", "p" + (key % 7))
                .clientIp("10.0." + (key % 250) + "." + random.nextInt(250))
                .userAgent("OpenAI/Java 4.0")
                .operation(model == 3 ? Operation.EMBEDDING : Operation.CHAT)
                .endpoint(model == 3 ? "/v1/embeddings" : "/v1/chat/completions")
                .protocol(PROVIDERS.get(model).equals("anthropic") ? Protocol.ANTHROPIC : Protocol.OPENAI)
                .stream(stream)
                .model(MODELS.get(model))
                .servedModel(MODELS.get(model) + "-2026-01-01")
                .provider(PROVIDERS.get(model))
                .attempts(1)
                .status(status)
                .httpStatus(switch (status) {
                    case SUCCESS, CANCELLED, INTERRUPTED -> 200;
                    case ERROR -> 502;
                    case REFUSED -> 429;
                })
                .requestBytes(input * 4)
                .responseBytes(output * 4)
                .payload(PayloadMode.NONE);
        if (status == CallStatus.ERROR) {
            b.errorCode("upstream_error").errorMessage("provider returned 500");
        }
        if (status == CallStatus.REFUSED) {
            b.errorCode("rate_limit_exceeded").errorMessage("requests_per_minute: limit 60 reached");
            return b.build();
        }
        b.inputTokens(input).cachedInputTokens(cached).outputTokens(output)
                .reasoningTokens(model == 2 ? output / 3 : 0L)
                .usageSource(status == CallStatus.CANCELLED ? UsageSource.ESTIMATED : UsageSource.REPORTED)
                .finishReason(status == CallStatus.SUCCESS ? "stop" : null);
        if (stream) {
            b.ttftMs(20L + random.nextInt(600));
        }
        if (model < 6 && model != 3) {
            b.costMicros(input * 2 + output * 8).priceId("p-bench");
        }
        if (random.nextInt(10) == 0) {
            b.toolCalls(List.of("get_weather"));
        }
        return b.build();
    }
}
