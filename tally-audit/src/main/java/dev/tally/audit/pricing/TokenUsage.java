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
 * <p>The parts that change the price of a token are kept too: {@code cacheWrite1h} is the part
 * of {@code cacheWrite} written with a one-hour lifetime (the rest has the default 5-minute
 * one); {@code audioInput} and {@code imageInput} are parts of {@code input} that are neither
 * cache reads nor cache writes; {@code audioOutput} is part of {@code output}. The input parts
 * are disjoint, so each input token is in exactly one price bucket. {@code serviceTier} is the
 * provider's processing tier ({@code flex}, {@code priority}, {@code batch}, …) when known.
 *
 * <p>Immutable and thread-safe.
 *
 * @param input all input tokens, cache reads and writes included
 * @param cachedInput part of {@code input} read from the provider's prompt cache
 * @param cacheWrite part of {@code input} written to the provider's prompt cache
 * @param output all output tokens, reasoning included
 * @param reasoning part of {@code output} spent on reasoning
 * @param cacheWrite1h part of {@code cacheWrite} written with a one-hour lifetime
 * @param audioInput part of {@code input} that was audio
 * @param audioOutput part of {@code output} that was audio
 * @param imageInput part of {@code input} that was images
 * @param serviceTier the service tier the call was processed at, or null when unknown
 * @throws IllegalArgumentException when a count is negative or the parts exceed their total
 */
public record TokenUsage(Long input, Long cachedInput, Long cacheWrite, Long output, Long reasoning,
        Long cacheWrite1h, Long audioInput, Long audioOutput, Long imageInput, String serviceTier) {

    /** Nothing known. */
    public static final TokenUsage UNKNOWN = new TokenUsage(null, null, null, null, null);

    public TokenUsage {
        requireNotNegative("input_tokens", input);
        requireNotNegative("cached_input_tokens", cachedInput);
        requireNotNegative("cache_write_tokens", cacheWrite);
        requireNotNegative("output_tokens", output);
        requireNotNegative("reasoning_tokens", reasoning);
        requireNotNegative("cache_write_1h_tokens", cacheWrite1h);
        requireNotNegative("audio_input_tokens", audioInput);
        requireNotNegative("audio_output_tokens", audioOutput);
        requireNotNegative("image_input_tokens", imageInput);
        if (input != null) {
            // Non-negative longs can only overflow to a negative sum, which is caught as well.
            long parts = orZero(cachedInput) + orZero(cacheWrite);
            if (parts < 0 || parts > input) {
                throw new IllegalArgumentException("cached_input_tokens + cache_write_tokens: "
                        + orZero(cachedInput) + " + " + orZero(cacheWrite) + " (expected: <= input_tokens " + input + ")");
            }
            long media = orZero(audioInput) + orZero(imageInput);
            if (media < 0 || parts + media < 0 || parts + media > input) {
                throw new IllegalArgumentException("audio_input_tokens + image_input_tokens: " + orZero(audioInput) + " + "
                        + orZero(imageInput) + " (expected: <= input_tokens " + input + " - cached_input_tokens "
                        + orZero(cachedInput) + " - cache_write_tokens " + orZero(cacheWrite) + ")");
            }
        }
        if (cacheWrite1h != null && cacheWrite1h > orZero(cacheWrite)) {
            throw new IllegalArgumentException("cache_write_1h_tokens: " + cacheWrite1h + " (expected: <= cache_write_tokens "
                    + (cacheWrite == null ? "unknown" : cacheWrite) + ")");
        }
        if (output != null && reasoning != null && reasoning > output) {
            throw new IllegalArgumentException(
                    "reasoning_tokens: " + reasoning + " (expected: <= output_tokens " + output + ")");
        }
        if (output != null && audioOutput != null && audioOutput > output) {
            throw new IllegalArgumentException(
                    "audio_output_tokens: " + audioOutput + " (expected: <= output_tokens " + output + ")");
        }
        if (serviceTier != null && (serviceTier.isBlank() || serviceTier.length() > 64
                || serviceTier.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("service_tier: '" + serviceTier + "' (expected: 1..64 printable characters)");
        }
    }

    /** Text-only counts, with no media parts, no one-hour cache writes and no service tier known. */
    public TokenUsage(Long input, Long cachedInput, Long cacheWrite, Long output, Long reasoning) {
        this(input, cachedInput, cacheWrite, output, reasoning, null, null, null, null, null);
    }

    /** These counts with the audio parts set (null = unknown). */
    public TokenUsage withAudio(Long audioInputTokens, Long audioOutputTokens) {
        return new TokenUsage(input, cachedInput, cacheWrite, output, reasoning, cacheWrite1h, audioInputTokens,
                audioOutputTokens, imageInput, serviceTier);
    }

    /** These counts with the image input part set (null = unknown). */
    public TokenUsage withImageInput(Long imageInputTokens) {
        return new TokenUsage(input, cachedInput, cacheWrite, output, reasoning, cacheWrite1h, audioInput, audioOutput,
                imageInputTokens, serviceTier);
    }

    /** These counts with the one-hour part of the cache writes set (null = unknown). */
    public TokenUsage withCacheWrite1h(Long cacheWrite1hTokens) {
        return new TokenUsage(input, cachedInput, cacheWrite, output, reasoning, cacheWrite1hTokens, audioInput,
                audioOutput, imageInput, serviceTier);
    }

    /** These counts with the service tier set (null = unknown). */
    public TokenUsage withServiceTier(String tier) {
        return new TokenUsage(input, cachedInput, cacheWrite, output, reasoning, cacheWrite1h, audioInput, audioOutput,
                imageInput, tier);
    }

    /**
     * These counts with {@code requested} as the service tier when the answer did not say one:
     * the tier an answer reports wins over the one the request asked for.
     */
    public TokenUsage orServiceTier(String requested) {
        return serviceTier != null || requested == null ? this : withServiceTier(requested);
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
        return fromAnthropic(inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens, null, null);
    }

    /**
     * Anthropic Messages {@code usage} with the cache-write breakdown
     * {@code cache_creation: {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}}. The cache
     * writes are {@code cache_creation_input_tokens}, or the sum of the breakdown when only it is
     * given; their one-hour part is {@code ephemeral_1h_input_tokens}. Without a breakdown the
     * one-hour part stays unknown and every cache write is priced at the 5-minute rate.
     *
     * @throws IllegalArgumentException when a count is negative or the sum overflows a long
     */
    public static TokenUsage fromAnthropic(Long inputTokens, Long outputTokens, Long cacheCreationInputTokens,
            Long cacheReadInputTokens, Long ephemeral5m, Long ephemeral1h) {
        requireNotNegative("cache_creation.ephemeral_5m_input_tokens", ephemeral5m);
        requireNotNegative("cache_creation.ephemeral_1h_input_tokens", ephemeral1h);
        if (cacheCreationInputTokens == null && (ephemeral5m != null || ephemeral1h != null)) {
            cacheCreationInputTokens = orZero(ephemeral5m) + orZero(ephemeral1h);
        }
        TokenUsage usage = fromAnthropicTotals(inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens);
        if (ephemeral1h == null && ephemeral5m != null) {
            // A breakdown with only the 5-minute part says there were no one-hour writes.
            ephemeral1h = 0L;
        }
        return usage.withCacheWrite1h(ephemeral1h);
    }

    private static TokenUsage fromAnthropicTotals(Long inputTokens, Long outputTokens, Long cacheCreationInputTokens,
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
                record.outputTokens(), record.reasoningTokens(), record.cacheWrite1hTokens(), record.audioInputTokens(),
                record.audioOutputTokens(), record.imageInputTokens(), record.serviceTier());
    }

    /**
     * Copies these counts into the record being built (unknown counts stay absent). The service
     * tier is copied only when known, so a tier the request asked for, set earlier, stays.
     */
    public CallRecord.Builder applyTo(CallRecord.Builder builder) {
        builder.inputTokens(input).cachedInputTokens(cachedInput).cacheWriteTokens(cacheWrite)
                .outputTokens(output).reasoningTokens(reasoning).cacheWrite1hTokens(cacheWrite1h)
                .audioInputTokens(audioInput).audioOutputTokens(audioOutput).imageInputTokens(imageInput);
        return serviceTier == null ? builder : builder.serviceTier(serviceTier);
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

    /**
     * Uncached input that was neither audio nor images: {@link #uncachedInput()} less the media
     * parts, an unknown part counting as none; {@code null} when {@code input} is unknown.
     */
    public Long textInput() {
        return input == null ? null : uncachedInput() - orZero(audioInput) - orZero(imageInput);
    }

    /** Output that was not audio, an unknown part counting as none; {@code null} when {@code output} is unknown. */
    public Long textOutput() {
        return output == null ? null : output - orZero(audioOutput);
    }

    /** Cache writes with the default (5-minute) lifetime: all cache writes less the one-hour part. */
    public long cacheWrite5m() {
        return orZero(cacheWrite) - orZero(cacheWrite1h);
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
