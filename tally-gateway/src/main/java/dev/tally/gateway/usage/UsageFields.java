package dev.tally.gateway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.pricing.TokenUsage;
import java.util.function.UnaryOperator;

/**
 * Turns the providers' {@code usage} objects into {@link TokenUsage}, for complete answers and
 * streams alike. A field that is absent or not a number stays unknown (null), never 0.
 *
 * <p>Besides the totals, the parts that change the price are read where the provider reports
 * them: OpenAI's {@code prompt_tokens_details.audio_tokens} / {@code image_tokens},
 * {@code completion_tokens_details.audio_tokens} (Responses: {@code input_tokens_details},
 * {@code output_tokens_details}), Anthropic's {@code cache_creation} breakdown into 5-minute and
 * one-hour writes, and the service tier the answer says it was served at (OpenAI's top-level
 * {@code service_tier}, Anthropic's {@code usage.service_tier}). A part that does not fit inside
 * its total is dropped (the totals stay, priced at the plain rates) rather than losing the usage.
 * Stateless, thread-safe.
 */
public final class UsageFields {

    private UsageFields() {
    }

    static Long number(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.asLong() >= 0 ? node.asLong() : null;
    }

    /** A short printable string, else null (a service tier name). */
    public static String tier(JsonNode node) {
        return node == null || !node.isTextual() ? null : tier(node.asText());
    }

    /** {@code t} when it is a short printable string, else null (a service tier name). */
    public static String tier(String t) {
        return t == null || t.isBlank() || t.length() > 64 || t.chars().anyMatch(Character::isISOControl) ? null : t;
    }

    /** Chat Completions / Completions usage; {@code serviceTier} is the answer's top-level one, or null. */
    public static TokenUsage openAiChat(JsonNode u, String serviceTier) {
        JsonNode in = u.path("prompt_tokens_details");
        JsonNode out = u.path("completion_tokens_details");
        TokenUsage base = TokenUsage.fromOpenAiChat(number(u.get("prompt_tokens")), number(u.get("completion_tokens")),
                number(in.get("cached_tokens")), number(out.get("reasoning_tokens")));
        return media(base, in, out).withServiceTier(serviceTier);
    }

    /** Responses usage; {@code serviceTier} is the response's own, or null. */
    public static TokenUsage openAiResponses(JsonNode u, String serviceTier) {
        JsonNode in = u.path("input_tokens_details");
        JsonNode out = u.path("output_tokens_details");
        TokenUsage base = TokenUsage.fromOpenAiResponses(number(u.get("input_tokens")), number(u.get("output_tokens")),
                number(in.get("cached_tokens")), number(out.get("reasoning_tokens")));
        return media(base, in, out).withServiceTier(serviceTier);
    }

    /**
     * Anthropic usage; {@code outputOverride} (from a stream's cumulative {@code message_delta})
     * replaces the output count when not null.
     */
    public static TokenUsage anthropic(JsonNode u, Long outputOverride) {
        Long output = outputOverride != null ? outputOverride : number(u.get("output_tokens"));
        return anthropic(number(u.get("input_tokens")), output, number(u.get("cache_creation_input_tokens")),
                number(u.get("cache_read_input_tokens")), u.get("cache_creation"), tier(u.get("service_tier")));
    }

    /** Anthropic usage from counts gathered over a stream; {@code cacheCreation} is the breakdown object, or null. */
    public static TokenUsage anthropic(Long input, Long output, Long cacheWrite, Long cacheRead, JsonNode cacheCreation,
            String serviceTier) {
        TokenUsage base = TokenUsage.fromAnthropic(input, output, cacheWrite, cacheRead);
        if (cacheCreation != null && cacheCreation.isObject()) {
            Long fiveMinutes = number(cacheCreation.get("ephemeral_5m_input_tokens"));
            Long oneHour = number(cacheCreation.get("ephemeral_1h_input_tokens"));
            base = lenient(base, b -> TokenUsage.fromAnthropic(input, output, cacheWrite, cacheRead, fiveMinutes,
                    oneHour));
        }
        return base.withServiceTier(serviceTier);
    }

    /** {@code base} with the audio and image parts of the details objects, each kept only when it fits. */
    private static TokenUsage media(TokenUsage base, JsonNode in, JsonNode out) {
        Long audioIn = number(in.get("audio_tokens"));
        Long imageIn = number(in.get("image_tokens"));
        Long audioOut = number(out.get("audio_tokens"));
        TokenUsage u = lenient(base, b -> b.withAudio(audioIn, b.audioOutput()));
        u = lenient(u, b -> b.withImageInput(imageIn));
        return lenient(u, b -> b.withAudio(b.audioInput(), audioOut));
    }

    private static TokenUsage lenient(TokenUsage base, UnaryOperator<TokenUsage> part) {
        try {
            return part.apply(base);
        } catch (IllegalArgumentException doesNotFit) {
            return base;
        }
    }
}
