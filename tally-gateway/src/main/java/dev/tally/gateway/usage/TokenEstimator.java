package dev.tally.gateway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tally.gateway.proxy.Endpoint;

/**
 * Counts tokens locally (jtokkit, the {@code o200k_base} encoding of current OpenAI models) when a
 * provider reports no usage: a cancelled stream, a broken stream, an answer without
 * {@code usage}. The result is an estimate and records say so ({@code usage_source: estimated});
 * for other tokenizers (Anthropic) it is an approximation, never presented as reported.
 * Thread-safe (the encoding is immutable); the first use loads the vocabulary once.
 */
public final class TokenEstimator {

    private static final class Holder {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    /**
     * Loads the vocabulary now (it takes a moment), so the first call that needs an estimate does
     * not pay for it. Blocking; call it on a background thread at start.
     */
    public void warmUp() {
        count("warm up");
    }

    /** Tokens in {@code text}. */
    public long count(CharSequence text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return Holder.ENCODING.countTokensOrdinary(text.toString());
    }

    /**
     * Input tokens of a request body: every string under the fields that carry the prompt
     * ({@code messages}, {@code prompt}, {@code input}, {@code system}, {@code instructions},
     * {@code tools}), counted as one text.
     */
    public long countInput(Endpoint endpoint, JsonNode body) {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {"messages", "prompt", "input", "system", "instructions", "tools"}) {
            collect(body.get(field), text);
        }
        return count(text);
    }

    private static void collect(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isTextual()) {
            out.append(node.asText()).append('\n');
        } else if (node.isContainerNode()) {
            node.forEach(child -> collect(child, out));
        }
    }
}
