package dev.tally.gateway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.pricing.TokenUsage;

/**
 * Turns the providers' {@code usage} objects into {@link TokenUsage}. A field that is absent or
 * not a number stays unknown (null), never 0. Stateless.
 */
final class UsageFields {

    private UsageFields() {
    }

    static Long number(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.asLong() >= 0 ? node.asLong() : null;
    }

    /** Chat Completions / Completions usage. */
    static TokenUsage openAiChat(JsonNode u) {
        return TokenUsage.fromOpenAiChat(number(u.get("prompt_tokens")), number(u.get("completion_tokens")),
                number(u.path("prompt_tokens_details").get("cached_tokens")),
                number(u.path("completion_tokens_details").get("reasoning_tokens")));
    }

    /** Responses usage. */
    static TokenUsage openAiResponses(JsonNode u) {
        return TokenUsage.fromOpenAiResponses(number(u.get("input_tokens")), number(u.get("output_tokens")),
                number(u.path("input_tokens_details").get("cached_tokens")),
                number(u.path("output_tokens_details").get("reasoning_tokens")));
    }

    /**
     * Anthropic usage; {@code outputOverride} (from a stream's cumulative {@code message_delta})
     * replaces the output count when not null.
     */
    static TokenUsage anthropic(JsonNode u, Long outputOverride) {
        Long output = outputOverride != null ? outputOverride : number(u.get("output_tokens"));
        return TokenUsage.fromAnthropic(number(u.get("input_tokens")), output,
                number(u.get("cache_creation_input_tokens")), number(u.get("cache_read_input_tokens")));
    }
}
