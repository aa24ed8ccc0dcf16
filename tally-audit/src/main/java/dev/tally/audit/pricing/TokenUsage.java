package dev.tally.audit.pricing;

import dev.tally.audit.entry.CallRecord;

/**
 * The token counts of one call, in the OpenTelemetry GenAI meaning that {@link CallRecord}
 * uses (DESIGN.md section 2).
 *
 * <p>{@code input} is all input, cache reads and cache writes included; {@code output} is all
 * output, reasoning included. {@code cachedInput} and {@code cacheWrite} are parts of
 * {@code input}, {@code reasoning} is part of {@code output}: they are never added to their
 * totals again. Every count is nullable: {@code null} means unknown and is never replaced by 0.
 *
 * <p>Providers report these numbers differently; the factories translate each wire format
 * (WIRE.md) into this one shape. OpenAI already reports parts inside totals. Anthropic reports
 * cache reads and writes <em>outside</em> {@code input_tokens}, so {@link #fromAnthropic}
 * adds them up to form the total once.
 *
 * <p>Immutable and thread-safe.
 *
 * @param input all input tokens, cache reads and writes included
 * @param cachedInput part of {@code input} read from the provider's prompt cache
 * @param cacheWrite part of {@code input} written to the provider's prompt cache
 * @param output all output tokens, reasoning included
 * @param reasoning part of {@code output} spent on reasoning
 * @throws IllegalArgumentException when a count is negative or the parts exceed their total
 */
public record TokenUsage(Long input, Long cachedInput, Long cacheWrite, Long output, Long reasoning) {

    /** Nothing known. */
    public static final TokenUsage UNKNOWN = new TokenUsage(null, null, null, null, null);

    public TokenUsage {
        requireNotNegative("input_tokens", input);
        requireNotNegative("cached_input_tokens", cachedInput);
        requireNotNegative("cache_write_tokens", cacheWrite);
        requireNotNegative("output_tokens", output);
        requireNotNegative("reasoning_tokens", reasoning);
        if (input != null) {
            // Two non-negative longs can only overflow to a negative sum, which is caught as well.
            long parts = orZero(cachedInput) + orZero(cacheWrite);
            if (parts < 0 || parts > input) {
                throw new IllegalArgumentException("cached_input_tokens + cache_write_tokens: "
                        + orZero(cachedInput) + " + " + orZero(cacheWrite) + " (expected: <= input_tokens " + input + ")");
            }
        }
        if (output != null && reasoning != null && reasoning > output) {
            throw new IllegalArgumentException(
                    "reasoning_tokens: " + reasoning + " (expected: <= output_tokens " + output + ")");
        }
    }

    /**
     * OpenAI Chat Completions {@code usage}: {@code prompt_tokens}, {@code completion_tokens},
     * {@code prompt_tokens_details.cached_tokens}, {@code completion_tokens_details.reasoning_tokens}.
     * Cached tokens are already part of the prompt and reasoning part of the completion. OpenAI
     * reports no cache writes, so {@code cacheWrite} stays unknown.
     */
    public static TokenUsage fromOpenAiChat(Long promptTokens, Long completionTokens, Long cachedTokens,
            Long reasoningTokens) {
        return new TokenUsage(promptTokens, cachedTokens, null, completionTokens, reasoningTokens);
    }

    /**
     * OpenAI Responses {@code usage}: {@code input_tokens}, {@code output_tokens},
     * {@code input_tokens_details.cached_tokens}, {@code output_tokens_details.reasoning_tokens};
     * same inclusion rules as Chat Completions.
     */
    public static TokenUsage fromOpenAiResponses(Long inputTokens, Long outputTokens, Long cachedTokens,
            Long reasoningTokens) {
        return new TokenUsage(inputTokens, cachedTokens, null, outputTokens, reasoningTokens);
    }

    /**
     * OpenAI Embeddings {@code usage}: only {@code prompt_tokens}. An embedding produces no
     * output tokens, so output is a known 0 here (not an unknown), which lets it be priced.
     */
    public static TokenUsage fromOpenAiEmbeddings(Long promptTokens) {
        return new TokenUsage(promptTokens, null, null, promptTokens == null ? null : 0L, null);
    }

    /**
     * Anthropic Messages {@code usage}, normalised. Anthropic's {@code input_tokens} counts only
     * the input that was neither read from nor written to the cache; the total input is
     * {@code input_tokens + cache_creation_input_tokens + cache_read_input_tokens}. A missing
     * cache field counts as none for the total (Anthropic omits them when caching is not used);
     * a missing {@code input_tokens} leaves the total unknown.
     *
     * @throws IllegalArgumentException when a count is negative or the sum overflows a long
     */
    public static TokenUsage fromAnthropic(Long inputTokens, Long outputTokens, Long cacheCreationInputTokens,
            Long cacheReadInputTokens) {
        requireNotNegative("input_tokens", inputTokens);
        requireNotNegative("cache_creation_input_tokens", cacheCreationInputTokens);
        requireNotNegative("cache_read_input_tokens", cacheReadInputTokens);
        Long total = null;
        if (inputTokens != null) {
            try {
                total = Math.addExact(Math.addExact(inputTokens, orZero(cacheCreationInputTokens)),
                        orZero(cacheReadInputTokens));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("input_tokens + cache_creation_input_tokens + cache_read_input_tokens: "
                        + inputTokens + " + " + cacheCreationInputTokens + " + " + cacheReadInputTokens
                        + " (expected: a sum <= " + Long.MAX_VALUE + ")", e);
            }
        }
        return new TokenUsage(total, cacheReadInputTokens, cacheCreationInputTokens, outputTokens, null);
    }

    /** The token fields of a record, as stored. */
    public static TokenUsage of(CallRecord record) {
        return new TokenUsage(record.inputTokens(), record.cachedInputTokens(), record.cacheWriteTokens(),
                record.outputTokens(), record.reasoningTokens());
    }

    /** Copies these counts into the record being built (unknown counts stay absent). */
    public CallRecord.Builder applyTo(CallRecord.Builder builder) {
        return builder.inputTokens(input).cachedInputTokens(cachedInput).cacheWriteTokens(cacheWrite)
                .outputTokens(output).reasoningTokens(reasoning);
    }

    /** Whether both totals are known, which pricing needs. */
    public boolean totalsKnown() {
        return input != null && output != null;
    }

    /**
     * Input that was neither a cache read nor a cache write: {@code input - cachedInput -
     * cacheWrite}, an unknown part counting as none; {@code null} when {@code input} is unknown.
     */
    public Long uncachedInput() {
        return input == null ? null : input - orZero(cachedInput) - orZero(cacheWrite);
    }

    private static void requireNotNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0, or absent when unknown)");
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0L : value;
    }
}
