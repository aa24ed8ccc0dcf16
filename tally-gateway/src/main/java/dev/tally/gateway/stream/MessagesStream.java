package dev.tally.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.usage.UsageFields;

/**
 * Anthropic Messages streams: {@code message_start} carries the input side of the usage,
 * {@code message_delta} the cumulative {@code output_tokens} and the stop reason,
 * {@code message_stop} ends the stream, {@code error} can arrive mid-stream. Cache tokens are
 * normalised by {@link TokenUsage#fromAnthropic} (Anthropic counts them outside
 * {@code input_tokens}). Not thread-safe.
 */
final class MessagesStream extends StreamObserver {

    private Long input;
    private Long cacheWrite;
    private Long cacheRead;
    private Long output;
    private JsonNode cacheCreation;
    private String serviceTier;
    private boolean started;

    @Override
    public Seen observe(SseEvent event) {
        JsonNode data = parse(event.data());
        if (data == null) {
            return Seen.PLAIN;
        }
        String type = event.event() != null ? event.event() : textOrNull(data.get("type"));
        if (type == null) {
            return Seen.PLAIN;
        }
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                servedModel = textOrNull(message.get("model"));
                started = true;
                // Its output_tokens is a placeholder until message_delta; only the input side counts.
                take(message.path("usage"), false);
            }
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                if ("tool_use".equals(block.path("type").asText()) && textOrNull(block.get("name")) != null) {
                    toolCalls.add(block.get("name").asText());
                    return Seen.CONTENT;
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = data.path("delta");
                for (String field : new String[] {"text", "partial_json", "thinking"}) {
                    String piece = textOrNull(delta.get(field));
                    if (piece != null && !piece.isEmpty()) {
                        text.append(piece);
                        return Seen.CONTENT;
                    }
                }
            }
            case "message_delta" -> {
                String stop = textOrNull(data.path("delta").get("stop_reason"));
                if (stop != null) {
                    finishReason = stop;
                }
                take(data.path("usage"), true);
                return Seen.USAGE;
            }
            case "message_stop" -> {
                completed = true;
                return Seen.LAST;
            }
            case "error" -> {
                JsonNode e = data.path("error");
                error = new StreamError(textOrNull(e.get("type")) != null ? e.get("type").asText() : "upstream_error",
                        textOrNull(e.get("message")) != null ? e.get("message").asText() : "the provider reported an error mid-stream");
                return Seen.LAST;
            }
            default -> {
                // ping, content_block_stop: nothing for the record
            }
        }
        return Seen.PLAIN;
    }

    /** Usage fields are cumulative: a later value replaces an earlier one. */
    private void take(JsonNode u, boolean withOutput) {
        if (!u.isObject()) {
            return;
        }
        input = orElse(number(u.get("input_tokens")), input);
        cacheWrite = orElse(number(u.get("cache_creation_input_tokens")), cacheWrite);
        cacheRead = orElse(number(u.get("cache_read_input_tokens")), cacheRead);
        if (u.path("cache_creation").isObject()) {
            cacheCreation = u.get("cache_creation");
        }
        String tier = UsageFields.tier(u.get("service_tier"));
        serviceTier = tier != null ? tier : serviceTier;
        if (withOutput) {
            output = orElse(number(u.get("output_tokens")), output);
        }
    }

    private static Long orElse(Long value, Long previous) {
        return value != null ? value : previous;
    }

    @Override
    public TokenUsage usage() {
        if (!started && output == null) {
            return null;
        }
        return safely(() -> UsageFields.anthropic(input, output, cacheWrite, cacheRead, cacheCreation, serviceTier));
    }
}
