package dev.tally.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.usage.UsageFields;

/**
 * OpenAI Responses streams: typed events ({@code event:} line and a {@code type} in the data);
 * content in {@code response.output_text.delta} and {@code response.function_call_arguments.delta};
 * usage in {@code response.completed} (or {@code response.incomplete}/{@code response.failed});
 * failures as {@code response.failed} or {@code error}. There is no {@code [DONE]}: the stream
 * is complete once a terminal response event arrived. Not thread-safe.
 */
final class ResponsesStream extends StreamObserver {

    private TokenUsage usage;

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
        JsonNode response = data.path("response");
        switch (type) {
            case "response.created", "response.in_progress" -> {
                if (servedModel == null) {
                    servedModel = textOrNull(response.get("model"));
                }
            }
            case "response.output_text.delta", "response.function_call_arguments.delta",
                    "response.reasoning_summary_text.delta", "response.refusal.delta" -> {
                String delta = textOrNull(data.get("delta"));
                if (delta != null && !delta.isEmpty()) {
                    text.append(delta);
                    return Seen.CONTENT;
                }
            }
            case "response.output_item.added" -> {
                JsonNode item = data.path("item");
                if ("function_call".equals(item.path("type").asText()) && textOrNull(item.get("name")) != null) {
                    toolCalls.add(item.get("name").asText());
                    return Seen.CONTENT;
                }
            }
            case "response.completed", "response.incomplete" -> {
                terminal(response);
                completed = true;
                return Seen.LAST_WITH_USAGE;
            }
            case "response.failed" -> {
                terminal(response);
                JsonNode e = response.path("error");
                error = new StreamError(textOrNull(e.get("code")) != null ? e.get("code").asText() : "response_failed",
                        textOrNull(e.get("message")) != null ? e.get("message").asText() : "the response failed");
                return Seen.LAST_WITH_USAGE;
            }
            case "error" -> {
                error = new StreamError(textOrNull(data.get("code")) != null ? data.get("code").asText() : "upstream_error",
                        textOrNull(data.get("message")) != null ? data.get("message").asText() : "the provider reported an error mid-stream");
                return Seen.LAST;
            }
            default -> {
                // other events (content_part.added, output_text.done, ...) carry nothing the record needs
            }
        }
        return Seen.PLAIN;
    }

    private void terminal(JsonNode response) {
        finishReason = textOrNull(response.get("status"));
        if (textOrNull(response.get("model")) != null) {
            servedModel = response.get("model").asText();
        }
        JsonNode u = response.get("usage");
        if (u != null && u.isObject()) {
            usage = safely(() -> UsageFields.openAiResponses(u, UsageFields.tier(response.get("service_tier"))));
        }
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }
}
