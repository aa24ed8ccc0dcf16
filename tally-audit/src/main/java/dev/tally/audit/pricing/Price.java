package dev.tally.audit.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One set of rates of one model, in US dollars per million tokens, per token bucket (see
 * {@link CostCalculator} for the buckets).
 *
 * <p>Only input and output are required. Every other rate is optional and, when not set, falls
 * back to the rate of the bucket it is a part of: cached input, cache writes, audio input and
 * image input are input ({@link #cachedInputOrInput()}, …); a one-hour cache write is a cache
 * write ({@link #cacheWrite1hOrCacheWrite()}); audio output is output. Reasoning tokens have no
 * rate of their own: they are output and are billed as output.
 *
 * <p>Immutable and thread-safe.
 *
 * @param input USD per million uncached text input tokens; required
 * @param cachedInput USD per million input tokens read from cache; {@code null} = same as input
 * @param cacheWrite USD per million input tokens written to cache with the default (Anthropic:
 *     5-minute) lifetime; {@code null} = same as input
 * @param output USD per million output tokens, reasoning included; required
 * @param cacheWrite1h USD per million input tokens written to cache with a one-hour lifetime;
 *     {@code null} = same as cache write
 * @param audioInput USD per million audio input tokens; {@code null} = same as input
 * @param audioOutput USD per million audio output tokens; {@code null} = same as output
 * @param imageInput USD per million image input tokens; {@code null} = same as input
 * @throws IllegalArgumentException when a rate is negative
 */
public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
        BigDecimal cacheWrite1h, BigDecimal audioInput, BigDecimal audioOutput, BigDecimal imageInput) {

    public Price {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        requireNotNegative("input", input);
        requireNotNegative("cached_input", cachedInput);
        requireNotNegative("cache_write", cacheWrite);
        requireNotNegative("output", output);
        requireNotNegative("cache_write_1h", cacheWrite1h);
        requireNotNegative("audio_input", audioInput);
        requireNotNegative("audio_output", audioOutput);
        requireNotNegative("image_input", imageInput);
    }

    /** The four text rates only; the others fall back as described in the class comment. */
    public Price(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {
        this(input, cachedInput, cacheWrite, output, null, null, null, null);
    }

    /** A price with only input and output set, e.g. {@code perMillion("2.50", "10")}. */
    public static Price perMillion(String input, String output) {
        return new Price(parse("input", input), null, null, parse("output", output));
    }

    /** This price with the cached-input rate set. */
    public Price withCachedInput(String usdPerMillion) {
        return new Price(input, parse("cached_input", usdPerMillion), cacheWrite, output, cacheWrite1h, audioInput,
                audioOutput, imageInput);
    }

    /** This price with the (5-minute) cache-write rate set. */
    public Price withCacheWrite(String usdPerMillion) {
        return new Price(input, cachedInput, parse("cache_write", usdPerMillion), output, cacheWrite1h, audioInput,
                audioOutput, imageInput);
    }

    /** This price with the one-hour cache-write rate set. */
    public Price withCacheWrite1h(String usdPerMillion) {
        return new Price(input, cachedInput, cacheWrite, output, parse("cache_write_1h", usdPerMillion), audioInput,
                audioOutput, imageInput);
    }

    /** This price with the audio input rate set. */
    public Price withAudioInput(String usdPerMillion) {
        return new Price(input, cachedInput, cacheWrite, output, cacheWrite1h, parse("audio_input", usdPerMillion),
                audioOutput, imageInput);
    }

    /** This price with the audio output rate set. */
    public Price withAudioOutput(String usdPerMillion) {
        return new Price(input, cachedInput, cacheWrite, output, cacheWrite1h, audioInput,
                parse("audio_output", usdPerMillion), imageInput);
    }

    /** This price with the image input rate set. */
    public Price withImageInput(String usdPerMillion) {
        return new Price(input, cachedInput, cacheWrite, output, cacheWrite1h, audioInput, audioOutput,
                parse("image_input", usdPerMillion));
    }

    /** The rate of a cached input token, falling back to the input rate. */
    public BigDecimal cachedInputOrInput() {
        return cachedInput == null ? input : cachedInput;
    }

    /** The rate of a (5-minute) cache-write token, falling back to the input rate. */
    public BigDecimal cacheWriteOrInput() {
        return cacheWrite == null ? input : cacheWrite;
    }

    /** The rate of a one-hour cache-write token, falling back to the cache-write rate. */
    public BigDecimal cacheWrite1hOrCacheWrite() {
        return cacheWrite1h == null ? cacheWriteOrInput() : cacheWrite1h;
    }

    /** The rate of an audio input token, falling back to the input rate. */
    public BigDecimal audioInputOrInput() {
        return audioInput == null ? input : audioInput;
    }

    /** The rate of an audio output token, falling back to the output rate. */
    public BigDecimal audioOutputOrOutput() {
        return audioOutput == null ? output : audioOutput;
    }

    /** The rate of an image input token, falling back to the input rate. */
    public BigDecimal imageInputOrInput() {
        return imageInput == null ? input : imageInput;
    }

    private static BigDecimal parse(String field, String value) {
        Objects.requireNonNull(value, field);
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + value + "' (expected: a decimal USD per million tokens)", e);
        }
    }

    private static void requireNotNegative(String field, BigDecimal value) {
        if (value != null && value.signum() < 0) {
            throw new IllegalArgumentException(field + ": " + value.toPlainString() + " (expected: >= 0 USD per million tokens)");
        }
    }
}
