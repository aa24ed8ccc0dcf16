package dev.tally.gateway.config;

import dev.tally.audit.alert.AlertBudget;
import dev.tally.audit.alert.AlertRules;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code alerts} and {@code budgets}: where budget alerts are sent and which budgets send them
 * (docs/spend.md, "Budget alerts"). Alerts are on exactly when {@code url} is set; the secret
 * signs every delivery and is never printed. Immutable, thread-safe.
 *
 * @param url the webhook every alert is POSTed to; empty: alerts off
 * @param secret the HMAC-SHA-256 key of the signature; present exactly when {@code url} is
 * @param alertAt default thresholds (percent of a budget, ascending) of every budget without its
 *     own, among them every key with a budget; default {@code [50, 80, 100]}
 * @param budgets the configured budgets ({@code budgets}: users, tags, and keys' own thresholds)
 * @param timeout one delivery's longest wait for the receiver's answer (default 10s)
 * @param maxAttempts attempts before an alert is given up (default 10)
 * @param backoff wait after the first failed attempt, doubled after each (default 1s)
 * @param maxBackoff the longest wait between attempts (default 5m)
 * @param pollInterval how often each instance looks for due alerts (default 1s)
 */
public record AlertSettings(Optional<URI> url, Optional<Secret> secret, List<Integer> alertAt,
        List<AlertBudget> budgets, Duration timeout, int maxAttempts, Duration backoff, Duration maxBackoff,
        Duration pollInterval) {

    public static final List<Integer> DEFAULT_ALERT_AT = List.of(50, 80, 100);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    /** Alerts off: no url, no budgets. */
    public static final AlertSettings OFF = new AlertSettings(Optional.empty(), Optional.empty(), DEFAULT_ALERT_AT,
            List.of(), DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF,
            DEFAULT_POLL_INTERVAL);

    public AlertSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        if (url.isPresent() != secret.isPresent()) {
            throw new IllegalArgumentException("alerts: url and secret go together");
        }
        alertAt = List.copyOf(alertAt);
        budgets = List.copyOf(budgets);
    }

    /** Whether alerts are sent. */
    public boolean enabled() {
        return url.isPresent();
    }

    /**
     * The rules the store's writer applies: none when alerts are off, else every key with a
     * budget at {@code alert_at} plus the configured budgets.
     */
    public AlertRules rules() {
        return enabled() ? new AlertRules(alertAt, budgets) : AlertRules.NONE;
    }

    @Override
    public String toString() {
        return "AlertSettings[url=" + url.map(u -> u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":"
                + u.getPort()) + "/…").orElse("(off)") + ", secret=" + secret.map(Secret::toString).orElse("(none)")
                + ", alertAt=" + alertAt + ", budgets=" + budgets.size() + "]";
    }
}
