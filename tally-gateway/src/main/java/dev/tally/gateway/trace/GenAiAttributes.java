package dev.tally.gateway.trace;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.json.Json;
import dev.tally.gateway.config.GatewayConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The attributes of a call's span, from its record: the OpenTelemetry GenAI semantic conventions
 * ({@code gen_ai.*}), the HTTP server ones, and Tally's own ({@code tally.*}, among them the record
 * id that finds the audit record). Only what the record already holds as metadata goes out: never
 * a payload, a message, an error message (it can quote the request), a user, a tag, the client IP
 * or anything about the key beyond its id. Thread-safe (immutable).
 */
final class GenAiAttributes {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_WRITE_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> RECORD_ID = AttributeKey.stringKey("tally.record_id");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("tally.status");
    static final AttributeKey<String> TALLY_PROVIDER = AttributeKey.stringKey("tally.provider");
    static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("tally.key_id");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("tally.stream");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tally.attempts");
    static final AttributeKey<Long> REASONING_TOKENS = AttributeKey.longKey("tally.usage.reasoning_tokens");
    static final AttributeKey<String> USAGE_SOURCE = AttributeKey.stringKey("tally.usage_source");
    static final AttributeKey<Long> COST_MICROS = AttributeKey.longKey("tally.cost_micros");
    static final AttributeKey<Long> TTFT_MS = AttributeKey.longKey("tally.ttft_ms");
    static final AttributeKey<Long> UPSTREAM_MS = AttributeKey.longKey("tally.upstream_ms");

    private final Map<String, Protocol> providerKinds;

    GenAiAttributes(GatewayConfig config) {
        this.providerKinds = config.providers().values().stream()
                .collect(Collectors.toUnmodifiableMap(GatewayConfig.Provider::name, GatewayConfig.Provider::kind));
    }

    /** The span name the conventions ask for: {@code "{operation} {model}"}, or the operation alone. */
    static String spanName(CallRecord r) {
        String operation = operation(r.operation());
        return r.model() == null ? operation : operation + " " + r.model();
    }

    /**
     * {@code gen_ai.operation.name}: the conventions' well-known values where one fits (the
     * Responses and Messages APIs are chat), else Tally's own operation name.
     */
    static String operation(Operation operation) {
        if (operation == null) {
            return "unknown";
        }
        return switch (operation) {
            case CHAT, RESPONSE, MESSAGE -> "chat";
            case COMPLETION -> "text_completion";
            case EMBEDDING -> "embeddings";
            case MODELS -> "models";
        };
    }

    Attributes of(CallRecord r) {
        AttributesBuilder b = Attributes.builder();
        b.put(OPERATION, operation(r.operation()));
        Protocol kind = r.provider() == null ? r.protocol() : providerKinds.getOrDefault(r.provider(), r.protocol());
        if (kind != null) {
            b.put(PROVIDER, Json.wire(kind));
        }
        put(b, REQUEST_MODEL, r.model(), Function.identity());
        put(b, RESPONSE_MODEL, r.servedModel(), Function.identity());
        put(b, INPUT_TOKENS, r.inputTokens(), Function.identity());
        put(b, OUTPUT_TOKENS, r.outputTokens(), Function.identity());
        put(b, CACHE_READ_TOKENS, r.cachedInputTokens(), Function.identity());
        put(b, CACHE_WRITE_TOKENS, r.cacheWriteTokens(), Function.identity());
        put(b, FINISH_REASONS, r.finishReason(), List::of);
        if (r.status() != CallStatus.SUCCESS) {
            put(b, ERROR_TYPE, r.errorCode() != null ? r.errorCode() : Json.wire(r.status()), Function.identity());
        }
        b.put(HTTP_METHOD, "POST");
        put(b, HTTP_ROUTE, r.endpoint(), Function.identity());
        put(b, HTTP_STATUS, r.httpStatus(), Integer::longValue);
        b.put(RECORD_ID, r.id());
        put(b, STATUS, r.status(), Json::wire);
        put(b, TALLY_PROVIDER, r.provider(), Function.identity());
        put(b, KEY_ID, r.keyId(), Function.identity());
        put(b, STREAM, r.stream(), Function.identity());
        put(b, ATTEMPTS, r.attempts(), Integer::longValue);
        put(b, REASONING_TOKENS, r.reasoningTokens(), Function.identity());
        put(b, USAGE_SOURCE, r.usageSource(), Json::wire);
        put(b, COST_MICROS, r.costMicros(), Function.identity());
        put(b, TTFT_MS, r.ttftMs(), Function.identity());
        put(b, UPSTREAM_MS, r.upstreamMs(), Function.identity());
        return b.build();
    }

    private static <V, T> void put(AttributesBuilder b, AttributeKey<T> key, V value, Function<V, T> convert) {
        if (value != null) {
            b.put(key, convert.apply(value));
        }
    }
}
