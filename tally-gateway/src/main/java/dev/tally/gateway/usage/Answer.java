package dev.tally.gateway.usage;

import dev.tally.audit.pricing.TokenUsage;
import java.util.List;

/**
 * What a provider's answer told about the call, streamed or not.
 *
 * @param usage the reported usage, normalised, or null when the provider reported none
 * @param servedModel the model the provider says answered, or null
 * @param finishReason the last finish or stop reason, or null
 * @param toolCalls names of the tools the model called, in order
 * @param outputText the generated text and tool arguments, for estimating output when unreported
 */
public record Answer(TokenUsage usage, String servedModel, String finishReason, List<String> toolCalls, String outputText) {

    public Answer {
        toolCalls = List.copyOf(toolCalls);
    }
}
