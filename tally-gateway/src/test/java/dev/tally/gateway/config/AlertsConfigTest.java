package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.alert.AlertBudget;
import dev.tally.audit.alert.AlertRules;
import dev.tally.audit.alert.BudgetKind;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code alerts} section and the {@code budgets} list: defaults, every key, and the errors. */
class AlertsConfigTest {

    private static final Path DATA = Path.of("/tmp/tally-alerts-config-test");
    private static final String SECRET = "whsec-config-test-0123456789";

    private static AlertSettings parse(String yaml) {
        return ConfigLoader.parse(yaml, DATA, Map.of("ALERT_SECRET", SECRET)).alerts();
    }

    @Test
    void offByDefault() {
        AlertSettings a = parse("");
        assertThat(a.enabled()).isFalse();
        assertThat(a.rules()).isEqualTo(AlertRules.NONE);
        assertThat(a.alertAt()).containsExactly(50, 80, 100);
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.maxAttempts()).isEqualTo(10);
        assertThat(a.backoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyKeyIsRead() {
        AlertSettings a = parse("""
                alerts:
                  url: https://hooks.example.com/tally?team=finops
                  secret: ${ALERT_SECRET}
                  alert_at: [75, 100]
                  timeout: 5s
                  max_attempts: 4
                  backoff: 2s
                  max_backoff: 1m
                  poll_interval: 500ms
                budgets:
                  - {tag: team=search, monthly_usd: 100, alert_at: [50, 80, 100]}
                  - {user: alice, daily_usd: "2.50"}
                  - {key: team-a, alert_at: [90]}
                """);
        assertThat(a.url()).contains(URI.create("https://hooks.example.com/tally?team=finops"));
        assertThat(a.secret().orElseThrow().reveal()).isEqualTo(SECRET);
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.maxAttempts()).isEqualTo(4);
        assertThat(a.backoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.maxBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(a.rules()).isEqualTo(new AlertRules(List.of(75, 100), List.of(
                new AlertBudget(BudgetKind.TAG, "team=search", 100_000_000L, BudgetPeriod.MONTH, List.of(50, 80, 100)),
                new AlertBudget(BudgetKind.USER, "alice", 2_500_000L, BudgetPeriod.DAY, List.of(75, 100)),
                new AlertBudget(BudgetKind.KEY, "team-a", null, null, List.of(90)))));
        assertThat(a.toString()).doesNotContain(SECRET).doesNotContain("finops");
    }

    @Test
    void mistakesNameTheKeyTheValueAndTheExpectation() {
        String on = "alerts: {url: 'http://127.0.0.1:9/hook', secret: '" + SECRET + "'}\n";
        assertError("alerts: {url: 'http://x/hook'}", "alerts.secret: missing (expected: the webhook's signing secret");
        assertError("alerts: {secret: '" + SECRET + "'}", "alerts.url: missing");
        assertError("alerts: {url: 'http://x/hook', secret: short}", "alerts.secret: 5 characters (expected: at least 16)");
        assertError("alerts: {url: 'ftp://x/hook', secret: '" + SECRET + "'}", "alerts.url: 'ftp://x/hook' (expected: an "
                + "http:// or https:// URL");
        assertError(on.replace("}", ", alert_at: [80, 50]}"), "alerts.alert_at[1]: '50' (expected: whole percentages "
                + "1..1000 in ascending order");
        assertError("budgets: [{tag: a=b, monthly_usd: 1}]", "budgets: budgets alert by webhook, but alerts.url is not set");
        assertError(on + "budgets: [{tag: team, monthly_usd: 1}]", "budgets[0].tag: 'team' (expected: name=value");
        assertError(on + "budgets: [{user: a, monthly_usd: 1, daily_usd: 1}]", "budgets[0].daily_usd: both daily_usd and "
                + "monthly_usd");
        assertError(on + "budgets: [{user: a}]", "budgets[0].monthly_usd: missing (expected: exactly one of daily_usd, "
                + "monthly_usd)");
        assertError(on + "budgets: [{user: a, monthly_usd: -3}]", "budgets[0].monthly_usd: '-3' (expected: US dollars above 0");
        assertError(on + "budgets: [{user: a, tag: b=c, monthly_usd: 1}]", "budgets[0]: subjects [user, tag] (expected: "
                + "exactly one of key, user, tag)");
        assertError(on + "budgets: [{key: k, monthly_usd: 1}]", "budgets[0].monthly_usd: a key's budget is set on the key");
        assertError(on + "budgets: [{user: a, monthly_usd: 1}, {user: a, daily_usd: 1}]", "budgets[1].user: 'a' has a "
                + "budget already");
        assertError(on + "budgets: [{user: a, monthly_usd: 1, alert_at: [0]}]", "budgets[0].alert_at[0]: '0'");
    }

    @Test
    void theSecretIsNeverInAnError() {
        assertThatThrownBy(() -> parse("alerts: {url: 'http://x/hook', secret: 'short-secret'}"))
                .hasMessageNotContaining("short-secret");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message)
                .hasMessageNotContaining(SECRET);
    }
}
