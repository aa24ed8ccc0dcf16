package dev.tally.gateway.proxy;

import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.TokenUsage;
import java.util.List;
import java.util.Objects;

/**
 * How relaying an answer ended, as a relay returns it: the {@link CallEnd}, the usage and where
 * it came from, the timings, what the answer said about itself, and what is left to send.
 * Immutable (the response array is not copied: nobody writes to it after it was read).
 *
 * @param end how the call ended
 * @param upstreamMs time from the first upstream attempt to the end of the answer, or null
 * @param ttftMs time from the call's start to the first content event of a stream, or null
 * @param responseBytes bytes of the answer, or null when none was read
 * @param servedModel the model the provider says served, or null
 * @param finishReason the answer's finish reason, or null
 * @param toolCalls the names of the tools the answer called
 * @param usage the token usage, or null when unknown
 * @param usageSource where {@code usage} came from
 * @param cost the price of {@code usage}, or null when unpriced (the record's cost, and what the client was told)
 * @param responseBody the answer as sent (a stream's as assembled), kept only for a payload policy, or null
 * @param reply what is still to be sent once the record is written
 */
record RelayOutcome(CallEnd end, Long upstreamMs, Long ttftMs, Long responseBytes, String servedModel, String finishReason,
        List<String> toolCalls, TokenUsage usage, UsageSource usageSource, Cost cost, byte[] responseBody, Reply reply) {

    RelayOutcome {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(usageSource, "usageSource");
        Objects.requireNonNull(reply, "reply");
        toolCalls = toolCalls == null ? List.of() : toolCalls;
    }

    /** An answer that failed before any of it reached the client. */
    static RelayOutcome failed(CallEnd end, long upstreamMs, Reply reply) {
        return new RelayOutcome(end, upstreamMs, null, null, null, null, List.of(), null, UsageSource.UNKNOWN, null, null, reply);
    }
}
