package dev.tally.gateway.metrics;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one (model, provider) label pair, resolved once and kept, so counting a call is a
 * few array reads and adder increments, without building tags or looking meters up by name. A
 * meter is registered the first time it has something to count, so idle combinations add no
 * series. Thread-safe: two threads that register the same meter at once get the same one from
 * the registry.
 */
final class CallMeters {

    /** Bucket bounds of the call and upstream duration histograms. */
    static final Duration[] DURATION_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300);
    /** Bucket bounds of the time-to-first-token histogram. */
    static final Duration[] TTFT_BUCKETS = seconds(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30);

    private static final Operation[] OPERATIONS = Operation.values();
    private static final CallStatus[] STATUSES = CallStatus.values();
    private static final String[] TOKEN_TYPES = {"input", "cached_input", "cache_write", "output", "reasoning"};

    private final MeterRegistry registry;
    private final Labels labels;
    private final Tags tags;
    private final AtomicReferenceArray<Counter> calls = new AtomicReferenceArray<>(OPERATIONS.length * STATUSES.length);
    private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(STATUSES.length);
    private final AtomicReferenceArray<Counter> tokens = new AtomicReferenceArray<>(TOKEN_TYPES.length);
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private volatile Counter cost;
    private volatile Counter unpriced;
    private volatile Counter attempts;
    private volatile Counter retried;
    private volatile Counter fallbacks;
    private volatile Timer ttft;
    private volatile Timer upstream;

    CallMeters(MeterRegistry registry, Labels labels, String model, String provider) {
        this.registry = registry;
        this.labels = labels;
        this.tags = Tags.of("model", model, "provider", provider);
    }

    /** Counts one finished call. */
    void count(CallRecord r) {
        Operation operation = r.operation() == null ? Operation.CHAT : r.operation();
        CallStatus status = r.status() == null ? CallStatus.ERROR : r.status();
        callCounter(operation, status).increment();
        if (r.durationMs() != null) {
            duration(status).record(r.durationMs(), TimeUnit.MILLISECONDS);
        }
        if (r.ttftMs() != null) {
            Timer t = ttft;
            if (t == null) {
                ttft = t = histogram("tally.time.to.first.token", "Time to the first streamed content byte", TTFT_BUCKETS, tags);
            }
            t.record(r.ttftMs(), TimeUnit.MILLISECONDS);
        }
        if (r.upstreamMs() != null) {
            Timer t = upstream;
            if (t == null) {
                upstream = t = histogram("tally.upstream.duration", "Time spent waiting on the provider", DURATION_BUCKETS, tags);
            }
            t.record(r.upstreamMs(), TimeUnit.MILLISECONDS);
        }
        tokens(r);
        cost(r);
        upstream(r, status);
    }

    private void tokens(CallRecord r) {
        add(0, r.inputTokens());
        add(1, r.cachedInputTokens());
        add(2, r.cacheWriteTokens());
        add(3, r.outputTokens());
        add(4, r.reasoningTokens());
    }

    private void cost(CallRecord r) {
        if (r.costMicros() != null) {
            Counter c = cost;
            if (c == null) {
                cost = c = counter("tally.cost.micro.usd", "Cost of calls in micro-USD (exact, from the price table)", tags);
            }
            c.increment(r.costMicros());
        } else if (r.inputTokens() != null || r.outputTokens() != null) {
            Counter c = unpriced;
            if (c == null) {
                unpriced = c = counter("tally.unpriced.calls", "Calls with usage but no price (cost unknown, not 0)", tags);
            }
            c.increment();
        }
    }

    private void upstream(CallRecord r, CallStatus status) {
        if (r.attempts() != null && r.attempts() > 0) {
            Counter a = attempts;
            if (a == null) {
                attempts = a = counter("tally.upstream.attempts", "Upstream attempts, retries and fallbacks included", tags);
            }
            a.increment(r.attempts());
            if (r.attempts() > 1) {
                Counter c = retried;
                if (c == null) {
                    retried = c = counter("tally.upstream.retried.calls", "Calls that needed more than one upstream attempt", tags);
                }
                c.increment();
            }
        }
        if (labels.answeredByFallback(r.model(), r.provider(), r.servedModel())) {
            Counter c = fallbacks;
            if (c == null) {
                fallbacks = c = counter("tally.upstream.fallbacks", "Calls answered by a fallback model or provider", tags);
            }
            c.increment();
        }
        if (status == CallStatus.ERROR) {
            // An error after the provider was contacted (upstream_ms is set) is the provider's or
            // the connection's; before that it is the gateway's (bad input, store down).
            String origin = r.upstreamMs() != null ? "upstream" : "gateway";
            String code = labels.code(r.errorCode());
            errors.computeIfAbsent(origin + '\u0000' + code, k -> counter("tally.call.errors",
                    "Failed calls by error code; origin upstream when the provider was contacted",
                    tags.and("origin", origin, "code", code))).increment();
        }
    }

    private void add(int type, Long value) {
        if (value == null || value <= 0) {
            return;
        }
        Counter c = tokens.get(type);
        if (c == null) {
            c = counter("tally.tokens", "Tokens by type (GenAI meaning: input includes cached and cache writes, output includes reasoning)",
                    tags.and("type", TOKEN_TYPES[type]));
            tokens.set(type, c);
        }
        c.increment(value);
    }

    private Counter callCounter(Operation operation, CallStatus status) {
        int i = operation.ordinal() * STATUSES.length + status.ordinal();
        Counter c = calls.get(i);
        if (c == null) {
            c = counter("tally.calls", "Calls past authentication, by how they ended",
                    tags.and("operation", Json.wire(operation), "status", Json.wire(status)));
            calls.set(i, c);
        }
        return c;
    }

    private Timer duration(CallStatus status) {
        Timer t = durations.get(status.ordinal());
        if (t == null) {
            t = histogram("tally.call.duration", "Whole call, as the client saw it", DURATION_BUCKETS,
                    tags.and("status", Json.wire(status)));
            durations.set(status.ordinal(), t);
        }
        return t;
    }

    private Counter counter(String name, String description, Tags with) {
        return Counter.builder(name).description(description).tags(with).register(registry);
    }

    private Timer histogram(String name, String description, Duration[] buckets, Tags with) {
        return Timer.builder(name).description(description).tags(with)
                .serviceLevelObjectives(buckets)
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
