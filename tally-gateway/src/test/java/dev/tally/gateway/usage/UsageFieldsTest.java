package dev.tally.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.pricing.TokenUsage;
import org.junit.jupiter.api.Test;

/** The price-changing parts of the providers' usage objects, and what happens when one does not fit. */
class UsageFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void openAiAudioAndImagePartsAreRead() throws Exception {
        TokenUsage u = UsageFields.openAiChat(json("""
                {"prompt_tokens":100,"completion_tokens":50,"prompt_tokens_details":{"cached_tokens":10,"audio_tokens":40,
                "image_tokens":5},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":30}}"""), "flex");

        assertThat(u).isEqualTo(new TokenUsage(100L, 10L, null, 50L, 0L, null, 40L, 30L, 5L, "flex"));
    }

    @Test
    void aPartThatDoesNotFitIsDroppedAndTheTotalsStay() throws Exception {
        TokenUsage u = UsageFields.openAiResponses(json("""
                {"input_tokens":10,"output_tokens":5,"input_tokens_details":{"cached_tokens":8,"audio_tokens":3,"image_tokens":1},
                "output_tokens_details":{"audio_tokens":6}}"""), null);

        // 8 cached + 3 audio > 10: audio dropped, the image token still fits; 6 audio > 5 output: dropped
        assertThat(u).isEqualTo(new TokenUsage(10L, 8L, null, 5L, null, null, null, null, 1L, null));
    }

    @Test
    void anthropicBreakdownGivesTheOneHourWritesAndTheServiceTier() throws Exception {
        TokenUsage u = UsageFields.anthropic(json("""
                {"input_tokens":100,"cache_creation_input_tokens":3000,"cache_read_input_tokens":500,
                "cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000},"output_tokens":7,
                "service_tier":"priority"}"""), null);

        assertThat(u.input()).isEqualTo(3_600L);
        assertThat(u.cacheWrite()).isEqualTo(3_000L);
        assertThat(u.cacheWrite1h()).isEqualTo(2_000L);
        assertThat(u.serviceTier()).isEqualTo("priority");
        // A one-hour part larger than all the writes is dropped: every write is then a 5-minute one.
        TokenUsage bad = UsageFields.anthropic(json("""
                {"input_tokens":1,"cache_creation_input_tokens":10,"cache_creation":{"ephemeral_1h_input_tokens":20},
                "output_tokens":1}"""), null);
        assertThat(bad.cacheWrite()).isEqualTo(10L);
        assertThat(bad.cacheWrite1h()).isNull();
    }

    @Test
    void aServiceTierMustBeAShortPrintableString() throws Exception {
        assertThat(UsageFields.tier(json("\"flex\""))).isEqualTo("flex");
        assertThat(UsageFields.tier(json("7"))).isNull();
        assertThat(UsageFields.tier(json("\" \""))).isNull();
        assertThat(UsageFields.tier("x".repeat(65))).isNull();
        assertThat(UsageFields.tier("a\nb")).isNull();
    }
}
