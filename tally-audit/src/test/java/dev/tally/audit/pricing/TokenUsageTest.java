package dev.tally.audit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenUsageTest {

    @Test
    void openAiChatKeepsCachedTokensInsidePromptTokens() {
        TokenUsage usage = TokenUsage.fromOpenAiChat(1_000L, 500L, 400L, 120L);

        assertThat(usage).isEqualTo(new TokenUsage(1_000L, 400L, null, 500L, 120L));
        assertThat(usage.uncachedInput()).isEqualTo(600L);
    }

    @Test
    void openAiResponsesMapsLikeChat() {
        assertThat(TokenUsage.fromOpenAiResponses(50L, 20L, null, 8L))
                .isEqualTo(new TokenUsage(50L, null, null, 20L, 8L));
    }

    @Test
    void embeddingsHaveAKnownZeroOutput() {
        assertThat(TokenUsage.fromOpenAiEmbeddings(12L)).isEqualTo(new TokenUsage(12L, null, null, 0L, null));
        assertThat(TokenUsage.fromOpenAiEmbeddings(null)).isEqualTo(TokenUsage.UNKNOWN);
    }

    @Test
    void anthropicCacheTokensAreAddedToInputOnce() {
        // Anthropic: input_tokens=100 excludes cache_creation=2000 and cache_read=5000.
        TokenUsage usage = TokenUsage.fromAnthropic(100L, 300L, 2_000L, 5_000L);

        assertThat(usage.input()).isEqualTo(7_100L);
        assertThat(usage.cachedInput()).isEqualTo(5_000L);
        assertThat(usage.cacheWrite()).isEqualTo(2_000L);
        assertThat(usage.output()).isEqualTo(300L);
        assertThat(usage.reasoning()).isNull();
        assertThat(usage.uncachedInput()).isEqualTo(100L);
    }

    @Test
    void anthropicWithoutCacheFieldsKeepsInputAndLeavesPartsUnknown() {
        assertThat(TokenUsage.fromAnthropic(100L, 7L, null, null)).isEqualTo(new TokenUsage(100L, null, null, 7L, null));
    }

    @Test
    void anthropicWithoutInputTokensHasUnknownTotal() {
        // A stream cut off before message_start: output may be known, input is not.
        TokenUsage usage = TokenUsage.fromAnthropic(null, 42L, 10L, 20L);

        assertThat(usage.input()).isNull();
        assertThat(usage.totalsKnown()).isFalse();
    }

    @Test
    void anthropicSumThatOverflowsIsRejected() {
        assertThatThrownBy(() -> TokenUsage.fromAnthropic(Long.MAX_VALUE, 1L, 1L, 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input_tokens + cache_creation_input_tokens + cache_read_input_tokens");
    }

    @Test
    void negativeCountsAreRejectedWithFieldValueAndExpectation() {
        assertThatThrownBy(() -> new TokenUsage(-1L, null, null, 1L, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input_tokens: -1 (expected: >= 0, or absent when unknown)");
        assertThatThrownBy(() -> TokenUsage.fromAnthropic(1L, 1L, -5L, null))
                .hasMessage("cache_creation_input_tokens: -5 (expected: >= 0, or absent when unknown)");
        assertThatThrownBy(() -> new TokenUsage(1L, null, null, 1L, -2L))
                .hasMessageStartingWith("reasoning_tokens: -2");
    }

    @Test
    void partsMayNotExceedTheirTotals() {
        assertThatThrownBy(() -> new TokenUsage(100L, 60L, 50L, 0L, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cached_input_tokens + cache_write_tokens: 60 + 50 (expected: <= input_tokens 100)");
        assertThatThrownBy(() -> new TokenUsage(10L, null, null, 5L, 6L))
                .hasMessage("reasoning_tokens: 6 (expected: <= output_tokens 5)");
        assertThatThrownBy(() -> new TokenUsage(10L, Long.MAX_VALUE, Long.MAX_VALUE, 5L, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partsAreAllowedWhenTheTotalIsUnknown() {
        assertThat(new TokenUsage(null, 5L, 3L, null, 2L).uncachedInput()).isNull();
    }

    @Test
    void roundTripsThroughACallRecord() {
        TokenUsage usage = TokenUsage.fromAnthropic(100L, 300L, 2_000L, 5_000L);
        CallRecord record = usage.applyTo(CallRecord.builder()
                .id("0190a0b0-0000-7000-8000-000000000001")
                .startedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .status(CallStatus.SUCCESS)).build();

        assertThat(record.inputTokens()).isEqualTo(7_100L);
        assertThat(record.cacheWriteTokens()).isEqualTo(2_000L);
        assertThat(TokenUsage.of(record)).isEqualTo(usage);
    }

    @Test
    void anthropicCacheWriteBreakdownGivesTheOneHourPart() {
        // input_tokens 100, cache_creation_input_tokens 3000 = 1000 (5m) + 2000 (1h), cache read 500
        TokenUsage usage = TokenUsage.fromAnthropic(100L, 50L, 3_000L, 500L, 1_000L, 2_000L);

        assertThat(usage.input()).isEqualTo(3_600L);
        assertThat(usage.cacheWrite()).isEqualTo(3_000L);
        assertThat(usage.cacheWrite1h()).isEqualTo(2_000L);
        assertThat(usage.cacheWrite5m()).isEqualTo(1_000L);
    }

    @Test
    void anthropicWithoutBreakdownLeavesTheOneHourPartUnknownSoAllWritesAreFiveMinute() {
        TokenUsage usage = TokenUsage.fromAnthropic(100L, 50L, 3_000L, null, null, null);

        assertThat(usage.cacheWrite1h()).isNull();
        assertThat(usage.cacheWrite5m()).isEqualTo(3_000L);
        // Only the breakdown given: the writes are its sum; a 5m-only breakdown says no 1h writes.
        assertThat(TokenUsage.fromAnthropic(10L, 1L, null, null, 40L, 2L).cacheWrite()).isEqualTo(42L);
        assertThat(TokenUsage.fromAnthropic(10L, 1L, 40L, null, 40L, null).cacheWrite1h()).isZero();
    }

    @Test
    void mediaPartsAreDisjointFromTheCachePartsAndInsideTheirTotals() {
        TokenUsage usage = TokenUsage.fromOpenAiChat(1_000L, 500L, 200L, null).withAudio(300L, 120L).withImageInput(100L);

        assertThat(usage.textInput()).isEqualTo(400L);
        assertThat(usage.textOutput()).isEqualTo(380L);
        assertThatThrownBy(() -> TokenUsage.fromOpenAiChat(1_000L, 500L, 200L, null).withAudio(900L, null))
                .hasMessage("audio_input_tokens + image_input_tokens: 900 + 0 (expected: <= input_tokens 1000 - cached_input_tokens 200"
                        + " - cache_write_tokens 0)");
        assertThatThrownBy(() -> TokenUsage.fromOpenAiChat(10L, 5L, null, null).withAudio(null, 6L))
                .hasMessage("audio_output_tokens: 6 (expected: <= output_tokens 5)");
        assertThatThrownBy(() -> new TokenUsage(10L, null, 2L, 5L, null).withCacheWrite1h(3L))
                .hasMessage("cache_write_1h_tokens: 3 (expected: <= cache_write_tokens 2)");
    }

    @Test
    void theAnswersServiceTierWinsOverTheRequested() {
        TokenUsage usage = new TokenUsage(1L, null, null, 1L, null);

        assertThat(usage.orServiceTier("flex").serviceTier()).isEqualTo("flex");
        assertThat(usage.withServiceTier("priority").orServiceTier("flex").serviceTier()).isEqualTo("priority");
        assertThat(usage.orServiceTier(null).serviceTier()).isNull();
    }

    @Test
    void priceChangingPartsRoundTripThroughACallRecord() {
        TokenUsage usage = TokenUsage.fromAnthropic(100L, 300L, 2_000L, 5_000L, 500L, 1_500L).withServiceTier("batch");
        CallRecord record = usage.applyTo(CallRecord.builder()
                .id("0190a0b0-0000-7000-8000-000000000001")
                .startedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .status(CallStatus.SUCCESS)
                .serviceTier("flex")).build();

        assertThat(record.cacheWrite1hTokens()).isEqualTo(1_500L);
        assertThat(record.serviceTier()).isEqualTo("batch");
        assertThat(TokenUsage.of(record)).isEqualTo(usage);
        // An unknown tier in the usage keeps the one the request set.
        CallRecord requested = new TokenUsage(1L, null, null, 1L, null).applyTo(record.toBuilder()).build();
        assertThat(requested.serviceTier()).isEqualTo("batch");
    }
}
