package dev.tally.gateway.config;

import dev.tally.audit.alert.AlertBudget;
import dev.tally.audit.alert.BudgetKind;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code alerts} section and the {@code budgets} list of {@code tally.yaml} for
 * {@link ConfigLoader}: key, bad value (never the secret), expectation. Stateless.
 */
final class AlertsSection {

    private static final int MIN_SECRET_LENGTH = 16;

    private AlertsSection() {
    }

    static AlertSettings alerts(ConfigNode n, List<ConfigNode> budgetNodes, String budgetsKey) {
        n.allowOnly("url", "secret", "alert_at", "timeout", "max_attempts", "backoff", "max_backoff", "poll_interval");
        Optional<URI> url = n.optionalString("url").filter(s -> !s.isBlank()).map(text -> url(n.key("url"), text));
        Optional<Secret> secret = n.optionalString("secret").filter(s -> !s.isEmpty()).map(Secret::new);
        if (url.isPresent() && secret.isEmpty()) {
            throw new IllegalArgumentException(n.key("secret") + ": missing (expected: the webhook's signing secret, "
                    + "at least " + MIN_SECRET_LENGTH + " characters, e.g. ${TALLY_ALERT_SECRET})");
        }
        if (secret.isPresent() && url.isEmpty()) {
            throw new IllegalArgumentException(n.key("url") + ": missing (expected: the webhook URL the secret signs for)");
        }
        if (secret.isPresent() && secret.get().reveal().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(n.key("secret") + ": " + secret.get().reveal().length()
                    + " characters (expected: at least " + MIN_SECRET_LENGTH + ")");
        }
        List<Integer> alertAt = n.has("alert_at") ? thresholds(n.key("alert_at"), n.strings("alert_at"))
                : AlertSettings.DEFAULT_ALERT_AT;
        List<AlertBudget> budgets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigNode b : budgetNodes) {
            AlertBudget budget = budget(b, alertAt);
            if (!seen.add(AlertBudget.id(budget.kind(), budget.subject()))) {
                throw new IllegalArgumentException(b.key(budget.kind().name().toLowerCase(java.util.Locale.ROOT)) + ": '"
                        + budget.subject() + "' has a budget already (expected: one budget per key, user and tag)");
            }
            budgets.add(budget);
        }
        if (!budgets.isEmpty() && url.isEmpty()) {
            throw new IllegalArgumentException(budgetsKey + ": budgets alert by webhook, but alerts.url is not set "
                    + "(expected: alerts.url and alerts.secret)");
        }
        Duration backoff = n.duration("backoff", AlertSettings.DEFAULT_BACKOFF, Duration.ofMillis(10), Duration.ofHours(1));
        Duration maxBackoff = n.duration("max_backoff", AlertSettings.DEFAULT_MAX_BACKOFF, Duration.ofMillis(10),
                Duration.ofDays(1));
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException(n.key("max_backoff") + ": '" + Durations.format(maxBackoff)
                    + "' (expected: at least alerts.backoff, " + Durations.format(backoff) + ")");
        }
        return new AlertSettings(url, secret, alertAt, budgets,
                n.duration("timeout", AlertSettings.DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)),
                n.integer("max_attempts", AlertSettings.DEFAULT_MAX_ATTEMPTS, 1, 1_000), backoff, maxBackoff,
                n.duration("poll_interval", AlertSettings.DEFAULT_POLL_INTERVAL, Duration.ofMillis(10),
                        Duration.ofMinutes(10)));
    }

    private static AlertBudget budget(ConfigNode b, List<Integer> defaults) {
        b.allowOnly("key", "user", "tag", "daily_usd", "monthly_usd", "alert_at");
        List<String> subjects = new ArrayList<>();
        for (String name : List.of("key", "user", "tag")) {
            if (b.has(name)) {
                subjects.add(name);
            }
        }
        if (subjects.size() != 1) {
            throw new IllegalArgumentException(b.key("") .replaceAll("\\.$", "") + ": " + (subjects.isEmpty()
                    ? "no subject" : "subjects " + subjects) + " (expected: exactly one of key, user, tag)");
        }
        BudgetKind kind = BudgetKind.valueOf(subjects.getFirst().toUpperCase(java.util.Locale.ROOT));
        String subjectKey = b.key(subjects.getFirst());
        String subject = b.requiredString(subjects.getFirst(), "a name").strip();
        if (kind == BudgetKind.TAG) {
            int eq = subject.indexOf('=');
            if (eq <= 0 || eq == subject.length() - 1) {
                throw new IllegalArgumentException(subjectKey + ": '" + subject
                        + "' (expected: name=value, e.g. team=search, as sent in x-tally-tag-<name>)");
            }
        }
        List<Integer> thresholds = b.has("alert_at") ? thresholds(b.key("alert_at"), b.strings("alert_at")) : defaults;
        boolean daily = b.has("daily_usd");
        boolean monthly = b.has("monthly_usd");
        if (kind == BudgetKind.KEY) {
            if (daily || monthly) {
                throw new IllegalArgumentException(b.key(daily ? "daily_usd" : "monthly_usd") + ": a key's budget is set "
                        + "on the key (expected: only alert_at here; set the amount with tally keys create/update "
                        + "--budget)");
            }
            return new AlertBudget(kind, subject, null, null, thresholds);
        }
        if (daily == monthly) {
            throw new IllegalArgumentException(b.key(daily ? "daily_usd" : "monthly_usd") + ": " + (daily ? "both "
                    + "daily_usd and monthly_usd" : "missing") + " (expected: exactly one of daily_usd, monthly_usd)");
        }
        String amountKey = daily ? "daily_usd" : "monthly_usd";
        return new AlertBudget(kind, subject, micros(b.key(amountKey), b.optionalString(amountKey).orElseThrow()),
                daily ? BudgetPeriod.DAY : BudgetPeriod.MONTH, thresholds);
    }

    private static long micros(String key, String text) {
        try {
            BigDecimal usd = new BigDecimal(text.strip());
            if (usd.signum() > 0 && usd.scale() <= 6 && usd.compareTo(BigDecimal.valueOf(1_000_000_000L)) <= 0) {
                return usd.movePointRight(6).longValueExact();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below with the expectation
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: US dollars above 0, at most "
                + "1000000000, at most 6 decimals, e.g. 100 or 12.50)");
    }

    private static List<Integer> thresholds(String key, List<String> texts) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int value;
            try {
                value = Integer.parseInt(texts.get(i).strip());
            } catch (NumberFormatException e) {
                value = -1;
            }
            if (value < 1 || value > 1_000 || (!out.isEmpty() && value <= out.getLast())) {
                throw new IllegalArgumentException(key + "[" + i + "]: '" + texts.get(i) + "' (expected: whole "
                        + "percentages 1..1000 in ascending order, e.g. [50, 80, 100])");
            }
            out.add(value);
        }
        return out;
    }

    private static URI url(String key, String text) {
        try {
            URI uri = new URI(text.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the expectation
        }
        // Shown without user info or query, either of which could carry a credential.
        throw new IllegalArgumentException(key + ": '" + text.replaceAll("//[^@/]*@", "//****@").replaceAll("\\?.*", "?…")
                + "' (expected: an http:// or https:// URL without user info or fragment)");
    }
}
