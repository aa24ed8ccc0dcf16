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
}
