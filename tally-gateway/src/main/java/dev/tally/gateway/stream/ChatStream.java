package dev.tally.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.usage.UsageFields;

/**
 * OpenAI Chat Completions (and legacy Completions) streams: {@code data: <chunk>} events ending
 * with {@code data: [DONE]}; usage only in the extra {@code "choices":[]} chunk that
 * {@code stream_options.include_usage} asks for, which is hidden from a client that did not ask
 * for it; errors as a {@code data: {"error":{…}}} event. Not thread-safe.
 */
final class ChatStream extends StreamObserver {

    private final boolean hideUsageChunk;
    private TokenUsage usage;
    /** The service tier the chunks say (every chunk repeats it), or null. */
    private String serviceTier;

    ChatStream(boolean hideUsageChunk) {
        this.hideUsageChunk = hideUsageChunk;
    }

    @Override
    public Seen observe(SseEvent event) {
        String data = event.data();
        if (data == null) {
            return Seen.PLAIN;
        }
        if (data.strip().equals("[DONE]")) {
            completed = true;
            return Seen.LAST;
        }
        JsonNode chunk = parse(data);
        if (chunk == null) {
            return Seen.PLAIN;
        }
        if (chunk.hasNonNull("error")) {
            JsonNode e = chunk.get("error");
            String code = textOrNull(e.get("code"));
            error = new StreamError(code != null ? code : (textOrNull(e.get("type")) != null ? e.get("type").asText() : "upstream_error"),
                    textOrNull(e.get("message")) != null ? e.get("message").asText() : "the provider reported an error mid-stream");
            return Seen.LAST;
        }
        if (servedModel == null) {
            servedModel = textOrNull(chunk.get("model"));
        }
        String tier = UsageFields.tier(chunk.get("service_tier"));
        if (tier != null) {
            serviceTier = tier;
        }
        boolean content = false;
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            content |= append(delta.get("content"));
            content |= append(delta.get("reasoning_content"));
            content |= append(choice.get("text"));
            for (JsonNode call : delta.path("tool_calls")) {
                String name = textOrNull(call.path("function").get("name"));
                if (name != null && !name.isEmpty()) {
                    toolCalls.add(name);
                    content = true;
                }
                content |= append(call.path("function").get("arguments"));
            }
            String finish = textOrNull(choice.get("finish_reason"));
            if (finish != null) {
                finishReason = finish;
            }
        }
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = safely(() -> UsageFields.openAiChat(u, serviceTier));
            if (hideUsageChunk && chunk.path("choices").isEmpty()) {
                return Seen.HIDDEN;
            }
            return content ? new Seen(true, true, false, true) : Seen.USAGE;
        }
        return content ? Seen.CONTENT : Seen.PLAIN;
    }

    private boolean append(JsonNode node) {
        if (node != null && node.isTextual() && !node.asText().isEmpty()) {
            text.append(node.asText());
            return true;
        }
        return false;
    }

    @Override
    public TokenUsage usage() {
        // A tier seen after the usage chunk still applies to it.
        return usage == null || serviceTier == null ? usage : usage.withServiceTier(serviceTier);
    }
}
