package dev.tally.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.json.GatewayJson;
import dev.tally.gateway.proxy.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches one protocol's event stream as it passes through the tee and learns what the record
 * needs: usage, served model, finish reason, tool calls, the generated text (to estimate output
 * when the stream is cut), whether the stream completed properly, and any error event. It also
 * decides whether an event is forwarded (only the usage chunk the gateway asked for on the
 * client's behalf is hidden). Not thread-safe: one per stream.
 */
public abstract sealed class StreamObserver permits ChatStream, ResponsesStream, MessagesStream {

    static final ObjectMapper MAPPER = GatewayJson.newMapper();

    /**
     * What one event was.
     *
     * @param forward whether the client gets it
     * @param content whether it carried generated content (the first one sets TTFT)
     * @param last whether it is the protocol's final event ({@code [DONE]}, {@code message_stop},
     *     a terminal {@code response.*} event, or an error event, after which nothing follows)
     * @param usage whether it carries the usage the record is priced with (the chunk or event a
     *     client reads its usage from)
     */
    public record Seen(boolean forward, boolean content, boolean last, boolean usage) {
        static final Seen PLAIN = new Seen(true, false, false, false);
        static final Seen CONTENT = new Seen(true, true, false, false);
        static final Seen HIDDEN = new Seen(false, false, false, false);
        static final Seen LAST = new Seen(true, false, true, false);
        static final Seen USAGE = new Seen(true, false, false, true);
        static final Seen LAST_WITH_USAGE = new Seen(true, false, true, true);
    }

    /**
     * An error reported inside the stream.
     *
     * @param code the provider's error code or type
     * @param message the provider's message
     */
    public record StreamError(String code, String message) {
    }

    protected final StringBuilder text = new StringBuilder();
    protected final List<String> toolCalls = new ArrayList<>();
    protected String servedModel;
    protected String finishReason;
    protected boolean completed;
    protected StreamError error;

    /** The observer for {@code endpoint}; {@code hideUsageChunk} only matters for chat and completions. */
    public static StreamObserver of(Endpoint endpoint, boolean hideUsageChunk) {
        return switch (endpoint) {
            case CHAT, COMPLETION, EMBEDDING -> new ChatStream(hideUsageChunk);
            case RESPONSE -> new ResponsesStream();
            case MESSAGE -> new MessagesStream();
        };
    }

    /** Reads one event. Malformed JSON in an event is forwarded and otherwise ignored. */
    public abstract Seen observe(SseEvent event);

    /** The usage reported so far (may be partial), or null when none was reported. */
    public abstract TokenUsage usage();

    /** Whether the stream reached its protocol's proper end. */
    public boolean completed() {
        return completed;
    }

    public StreamError error() {
        return error;
    }

    public String servedModel() {
        return servedModel;
    }

    public String finishReason() {
        return finishReason;
    }

    public List<String> toolCalls() {
        return List.copyOf(toolCalls);
    }

    /** Generated text and tool arguments so far. */
    public CharSequence outputText() {
        return text;
    }

    static JsonNode parse(String data) {
        if (data == null || data.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(data);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    static Long number(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.asLong() >= 0 ? node.asLong() : null;
    }

    /** Builds a usage, or null when the numbers contradict each other (then it is estimated instead). */
    static TokenUsage safely(java.util.function.Supplier<TokenUsage> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException inconsistent) {
            return null;
        }
    }
}
