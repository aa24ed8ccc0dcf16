package dev.tally.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySettingsTest {

    @Test
    void namedKeyHasNoLimitsAndIsEnabled() {
        KeySettings s = KeySettings.named("ci-bot");

        assertThat(s.allowedModels()).isEmpty();
        assertThat(s.requestsPerMinute()).isNull();
        assertThat(s.budgetMicros()).isNull();
        assertThat(s.enabled()).isTrue();
    }

    @Test
    void badValuesAreRejectedWithFieldValueAndExpectation() {
        KeySettings s = KeySettings.named("ci-bot");

        assertThatThrownBy(() -> KeySettings.named("has space"))
                .hasMessage("name: 'has space' (expected: 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit)");
        assertThatThrownBy(() -> s.withRequestsPerMinute(0L))
                .hasMessage("requests_per_minute: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> s.withTokensPerMinute(-5L))
                .hasMessage("tokens_per_minute: -5 (expected: 1..1000000000000)");
        assertThatThrownBy(() -> s.withBudget(5L, null))
                .hasMessage("budget_period: null with budget_micros: 5 (expected: both set, or neither)");
        assertThatThrownBy(() -> s.withBudget(null, BudgetPeriod.DAY))
                .hasMessage("budget_period: day with budget_micros: null (expected: both set, or neither)");
        assertThatThrownBy(() -> s.withPayloadPolicy("everything"))
                .hasMessage("payload_policy: 'everything' (expected: off, hash, redacted or full)");
        assertThatThrownBy(() -> s.withAllowedModels(List.of("gpt-4o", " ")))
                .hasMessageStartingWith("allowed_models: ' ' (expected:");
        assertThatThrownBy(() -> s.withTags(Map.of("bad tag", "x")))
                .hasMessageStartingWith("tag name: 'bad tag' (expected:");
    }

    @Test
    void duplicateModelsCollapseKeepingOrder() {
        KeySettings s = KeySettings.named("k").withAllowedModels(List.of("b", "a", "b"));

        assertThat(s.allowedModels()).containsExactly("b", "a");
    }

    @Test
    void describeWritesEverySettingAndNoneForAbsentValues() {
        KeySettings s = KeySettings.named("ci-bot")
                .withAllowedModels(List.of("gpt-4o-mini", "gpt-4o"))
                .withRequestsPerMinute(60L)
                .withBudget(10_000_000L, BudgetPeriod.MONTH)
                .withExpiresAt(Instant.parse("2027-01-01T00:00:00Z"))
                .withTags(Map.of("team", "search"));

        assertThat(s.describe()).containsExactly(
                Map.entry("name", "ci-bot"),
                Map.entry("allowed_models", "gpt-4o-mini,gpt-4o"),
                Map.entry("requests_per_minute", "60"),
                Map.entry("tokens_per_minute", "none"),
                Map.entry("budget_micros", "10000000"),
                Map.entry("budget_period", "month"),
                Map.entry("expires_at", "2027-01-01T00:00:00Z"),
                Map.entry("enabled", "true"),
                Map.entry("payload_policy", "none"),
                Map.entry("return_cost", "true"),
                Map.entry("tag:team", "search"));
    }

    @Test
    void returnCostOffIsStoredAmongTheTagsUnderANameNoTagCanHaveAndReadBackApart() {
        KeySettings s = KeySettings.named("quiet").withTags(Map.of("team", "ml")).withReturnCost(false);

        assertThat(s.tags()).isEqualTo(Map.of("team", "ml"));
        assertThat(s.storedTags()).isEqualTo(Map.of("team", "ml", KeySettings.RETURN_COST_TAG, "off"));
        assertThat(s.withReturnCost(true).storedTags()).isEqualTo(Map.of("team", "ml"));
        assertThat(s.describe()).containsEntry("return_cost", "false");
        assertThatThrownBy(() -> s.withTags(Map.of(KeySettings.RETURN_COST_TAG, "off")))
                .hasMessageStartingWith("tag name: 'tally:return_cost' (expected:");
    }
}
