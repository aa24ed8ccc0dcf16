package dev.tally.audit.entry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one record of one proxied call that got past authentication.
 *
 * <p>Field meanings follow DESIGN.md section 2 and the OpenTelemetry GenAI conventions: an
 * unknown value is {@code null} (absent in JSON), never 0. Token parts
 * ({@code cachedInputTokens}, {@code cacheWriteTokens}, {@code reasoningTokens}) are parts of
 * their totals and are never added to them again; so are the parts that only change the price
 * ({@code cacheWrite1hTokens} of {@code cacheWriteTokens}, {@code audioInputTokens} and
 * {@code imageInputTokens} of {@code inputTokens}, {@code audioOutputTokens} of
 * {@code outputTokens}). Fields added later than the first version are absent from the canonical
 * bytes when unknown, so older entries hash as they always did. Only {@code id}, {@code startedAt} and
 * {@code status} are required; {@code startedAt} is truncated to milliseconds so the
 * canonical form is stable.
 *
 * @param id our id, also sent back as x-request-id; a UUIDv7
 * @param traceId W3C trace id
 * @param clientRequestId the client's own x-request-id
 * @param startedAt when the call started (UTC, ms)
 * @param durationMs total time
 * @param ttftMs time to the first streamed byte of content
 * @param upstreamMs time spent waiting on the provider
 * @param keyId the virtual key's id
 * @param keyName the virtual key's name
 * @param keyPrefix the virtual key's public prefix (absent when prefix logging is off)
 * @param user OpenAI user field or x-tally-user
 * @param tags x-tally-tag-<name> headers; never null
 * @param clientIp absent when client IP logging is off
 * @param userAgent the client's User-Agent
 * @param operation chat, completion, embedding, response, message, models
 * @param endpoint the request path
 * @param protocol openai or anthropic
 * @param stream streamed or not
 * @param model the model the client asked for
 * @param servedModel the model that actually answered
 * @param provider the provider that answered (or was last tried)
 * @param attempts upstream attempts, retries and fallbacks included
 * @param status how the call ended
 * @param httpStatus the HTTP status sent to the client
 * @param errorCode stable error code of the failure that also set http_status
 * @param errorMessage human-readable error; never a secret
 * @param inputTokens all input, cache reads and writes included
 * @param cachedInputTokens part of input_tokens read from cache
 * @param cacheWriteTokens part of input_tokens written to cache
 * @param outputTokens all output, reasoning included
 * @param reasoningTokens part of output_tokens spent on reasoning
 * @param usageSource reported, estimated or unknown
 * @param costMicros exact cost in micro-USD; absent when the model has no price
 * @param priceId version of the price table that produced cost_micros
 * @param finishReason the last finish reason
 * @param toolCalls names of tools the model called; never null
 * @param requestBytes request body size
 * @param responseBytes response body size
 * @param payload whether a payload was kept
 * @param cacheWrite1hTokens part of cache_write_tokens written with a one-hour lifetime (the rest: 5 minutes)
 * @param audioInputTokens part of input_tokens that was audio
 * @param audioOutputTokens part of output_tokens that was audio
 * @param imageInputTokens part of input_tokens that was images
 * @param serviceTier the provider's service tier: the answer's when it said one, else the request's
 * @param pricedModel the public model whose price applied (after a fallback, the fallback's)
 */
public record CallRecord(
        String id,
        String traceId,
        String clientRequestId,
        Instant startedAt,
        Long durationMs,
        Long ttftMs,
        Long upstreamMs,
        String keyId,
        String keyName,
        String keyPrefix,
        String user,
        Map<String, String> tags,
        String clientIp,
        String userAgent,
        Operation operation,
        String endpoint,
        Protocol protocol,
        Boolean stream,
        String model,
        String servedModel,
        String provider,
        Integer attempts,
        CallStatus status,
        Integer httpStatus,
        String errorCode,
        String errorMessage,
        Long inputTokens,
        Long cachedInputTokens,
        Long cacheWriteTokens,
        Long outputTokens,
        Long reasoningTokens,
        UsageSource usageSource,
        Long costMicros,
        String priceId,
        String finishReason,
        List<String> toolCalls,
        Long requestBytes,
        Long responseBytes,
        PayloadMode payload,
        // The default snake_case would spell it cache_write1h_tokens.
        @JsonProperty("cache_write_1h_tokens") Long cacheWrite1hTokens,
        Long audioInputTokens,
        Long audioOutputTokens,
        Long imageInputTokens,
        String serviceTier,
        String pricedModel) implements AuditEntry {

    public CallRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startedAt, "started_at");
        Objects.requireNonNull(status, "status");
        startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    @Override
    public Instant timestamp() {
        return startedAt;
    }

    /** A builder for a new record. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return Builder.copyOf(this);
    }

    /** Builds a {@link CallRecord} field by field; not thread-safe. */
    public static final class Builder {
        private String id;
        private String traceId;
        private String clientRequestId;
        private Instant startedAt;
        private Long durationMs;
        private Long ttftMs;
        private Long upstreamMs;
        private String keyId;
        private String keyName;
        private String keyPrefix;
        private String user;
        private Map<String, String> tags = new TreeMap<>();
        private String clientIp;
        private String userAgent;
        private Operation operation;
        private String endpoint;
        private Protocol protocol;
        private Boolean stream;
        private String model;
        private String servedModel;
        private String provider;
        private Integer attempts;
        private CallStatus status;
        private Integer httpStatus;
        private String errorCode;
        private String errorMessage;
        private Long inputTokens;
        private Long cachedInputTokens;
        private Long cacheWriteTokens;
        private Long outputTokens;
        private Long reasoningTokens;
        private UsageSource usageSource;
        private Long costMicros;
        private String priceId;
        private String finishReason;
        private List<String> toolCalls = new ArrayList<>();
        private Long requestBytes;
        private Long responseBytes;
        private PayloadMode payload;
        private Long cacheWrite1hTokens;
        private Long audioInputTokens;
        private Long audioOutputTokens;
        private Long imageInputTokens;
        private String serviceTier;
        private String pricedModel;

        private Builder() {
        }

        private static Builder copyOf(CallRecord r) {
            Builder b = new Builder();
            b.id = r.id;
            b.traceId = r.traceId;
            b.clientRequestId = r.clientRequestId;
            b.startedAt = r.startedAt;
            b.durationMs = r.durationMs;
            b.ttftMs = r.ttftMs;
            b.upstreamMs = r.upstreamMs;
            b.keyId = r.keyId;
            b.keyName = r.keyName;
            b.keyPrefix = r.keyPrefix;
            b.user = r.user;
            b.tags = new TreeMap<>(r.tags);
            b.clientIp = r.clientIp;
            b.userAgent = r.userAgent;
            b.operation = r.operation;
            b.endpoint = r.endpoint;
            b.protocol = r.protocol;
            b.stream = r.stream;
            b.model = r.model;
            b.servedModel = r.servedModel;
            b.provider = r.provider;
            b.attempts = r.attempts;
            b.status = r.status;
            b.httpStatus = r.httpStatus;
            b.errorCode = r.errorCode;
            b.errorMessage = r.errorMessage;
            b.inputTokens = r.inputTokens;
            b.cachedInputTokens = r.cachedInputTokens;
            b.cacheWriteTokens = r.cacheWriteTokens;
            b.outputTokens = r.outputTokens;
            b.reasoningTokens = r.reasoningTokens;
            b.usageSource = r.usageSource;
            b.costMicros = r.costMicros;
            b.priceId = r.priceId;
            b.finishReason = r.finishReason;
            b.toolCalls = new ArrayList<>(r.toolCalls);
            b.requestBytes = r.requestBytes;
            b.responseBytes = r.responseBytes;
            b.payload = r.payload;
            b.cacheWrite1hTokens = r.cacheWrite1hTokens;
            b.audioInputTokens = r.audioInputTokens;
            b.audioOutputTokens = r.audioOutputTokens;
            b.imageInputTokens = r.imageInputTokens;
            b.serviceTier = r.serviceTier;
            b.pricedModel = r.pricedModel;
            return b;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder traceId(String traceId) {
            this.traceId = traceId;
            return this;
        }

        public Builder clientRequestId(String clientRequestId) {
            this.clientRequestId = clientRequestId;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public Builder durationMs(Long durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        public Builder ttftMs(Long ttftMs) {
            this.ttftMs = ttftMs;
            return this;
        }

        public Builder upstreamMs(Long upstreamMs) {
            this.upstreamMs = upstreamMs;
            return this;
        }

        public Builder keyId(String keyId) {
            this.keyId = keyId;
            return this;
        }

        public Builder keyName(String keyName) {
            this.keyName = keyName;
            return this;
        }

        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder clientIp(String clientIp) {
            this.clientIp = clientIp;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder operation(Operation operation) {
            this.operation = operation;
            return this;
        }

        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder protocol(Protocol protocol) {
            this.protocol = protocol;
            return this;
        }

        public Builder stream(Boolean stream) {
            this.stream = stream;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder servedModel(String servedModel) {
            this.servedModel = servedModel;
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder attempts(Integer attempts) {
            this.attempts = attempts;
            return this;
        }

        public Builder status(CallStatus status) {
            this.status = status;
            return this;
        }

        public Builder httpStatus(Integer httpStatus) {
            this.httpStatus = httpStatus;
            return this;
        }

        public Builder errorCode(String errorCode) {
            this.errorCode = errorCode;
            return this;
        }

        public Builder errorMessage(String errorMessage) {
            this.errorMessage = errorMessage;
            return this;
        }

        public Builder inputTokens(Long inputTokens) {
            this.inputTokens = inputTokens;
            return this;
        }

        public Builder cachedInputTokens(Long cachedInputTokens) {
            this.cachedInputTokens = cachedInputTokens;
            return this;
        }

        public Builder cacheWriteTokens(Long cacheWriteTokens) {
            this.cacheWriteTokens = cacheWriteTokens;
            return this;
        }

        public Builder outputTokens(Long outputTokens) {
            this.outputTokens = outputTokens;
            return this;
        }

        public Builder reasoningTokens(Long reasoningTokens) {
            this.reasoningTokens = reasoningTokens;
            return this;
        }

        public Builder usageSource(UsageSource usageSource) {
            this.usageSource = usageSource;
            return this;
        }

        public Builder costMicros(Long costMicros) {
            this.costMicros = costMicros;
            return this;
        }

        public Builder priceId(String priceId) {
            this.priceId = priceId;
            return this;
        }

        public Builder finishReason(String finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        public Builder requestBytes(Long requestBytes) {
            this.requestBytes = requestBytes;
            return this;
        }

        public Builder responseBytes(Long responseBytes) {
            this.responseBytes = responseBytes;
            return this;
        }

        public Builder payload(PayloadMode payload) {
            this.payload = payload;
            return this;
        }

        public Builder cacheWrite1hTokens(Long cacheWrite1hTokens) {
            this.cacheWrite1hTokens = cacheWrite1hTokens;
            return this;
        }

        public Builder audioInputTokens(Long audioInputTokens) {
            this.audioInputTokens = audioInputTokens;
            return this;
        }

        public Builder audioOutputTokens(Long audioOutputTokens) {
            this.audioOutputTokens = audioOutputTokens;
            return this;
        }

        public Builder imageInputTokens(Long imageInputTokens) {
            this.imageInputTokens = imageInputTokens;
            return this;
        }

        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        public Builder pricedModel(String pricedModel) {
            this.pricedModel = pricedModel;
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags = new TreeMap<>(tags);
            return this;
        }

        public Builder tag(String name, String value) {
            this.tags.put(name, value);
            return this;
        }

        public Builder toolCalls(List<String> toolCalls) {
            this.toolCalls = new ArrayList<>(toolCalls);
            return this;
        }

        public CallRecord build() {
            return new CallRecord(id, traceId, clientRequestId, startedAt, durationMs, ttftMs, upstreamMs, keyId, keyName, keyPrefix, user, tags, clientIp, userAgent, operation, endpoint, protocol, stream, model, servedModel, provider, attempts, status, httpStatus, errorCode, errorMessage, inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens, usageSource, costMicros, priceId, finishReason, toolCalls, requestBytes, responseBytes, payload, cacheWrite1hTokens, audioInputTokens, audioOutputTokens, imageInputTokens, serviceTier, pricedModel);
        }
    }
}
