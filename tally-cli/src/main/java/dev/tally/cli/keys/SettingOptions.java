package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.gateway.keys.KeySettings;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** Key settings options shared by {@code keys create} and {@code keys update}. */
final class SettingOptions {

    @Option(names = "--models", split = ",", paramLabel = "<model>",
            description = "Comma-separated public model names the key may call (default: all).")
    List<String> models;

    @Option(names = "--rpm", paramLabel = "<n>", description = "Requests per minute (1..1000000).")
    Long rpm;

    @Option(names = "--tpm", paramLabel = "<n>", description = "Tokens per minute, input plus output.")
    Long tpm;

    @Option(names = "--budget-usd", paramLabel = "<usd>", description = "Spend budget in US dollars per period.")
    BigDecimal budgetUsd;

    @Option(names = "--budget-period", paramLabel = "day|month", description = "Budget period, in UTC.")
    String budgetPeriod;

    @Option(names = "--expires", paramLabel = "<iso>",
            description = "When the key stops working: 2027-01-01T00:00:00Z, 2027-01-01T09:00+02:00 or 2027-01-01.")
    String expires;

    @Option(names = "--tag", paramLabel = "<name=value>", description = "A metadata tag (repeatable).")
    List<String> tags;

    @Option(names = "--payload-policy", paramLabel = "off|hash|redacted|full",
            description = "Payload policy for this key's calls, instead of the global one.")
    String payloadPolicy;

    @Option(names = "--return-cost", negatable = true,
            description = "Tell the key's calls what they cost: x-tally-cost-usd, x-tally-record-id, the stream's"
                    + " closing comment (default: on; --no-return-cost switches it off).")
    Boolean returnCost;

    /** Whether any option was given. */
    boolean any() {
        return models != null || rpm != null || tpm != null || budgetUsd != null || budgetPeriod != null
                || expires != null || tags != null || payloadPolicy != null || returnCost != null;
    }

    /**
     * {@code base} with the given options applied; tags are added to (or replace) existing ones.
     *
     * @throws IllegalArgumentException naming the option, the bad value and what is expected
     */
    KeySettings applyTo(KeySettings base) {
        KeySettings s = base;
        if (models != null) {
            s = s.withAllowedModels(models);
        }
        if (rpm != null) {
            s = s.withRequestsPerMinute(rpm);
        }
        if (tpm != null) {
            s = s.withTokensPerMinute(tpm);
        }
        if (budgetUsd != null) {
            BudgetPeriod period = budgetPeriod != null ? KeyValues.period(budgetPeriod) : s.budgetPeriod();
            if (period == null) {
                throw new IllegalArgumentException("--budget-usd: " + budgetUsd.toPlainString()
                        + " without --budget-period (expected: --budget-period day or month)");
            }
            s = s.withBudget(KeyValues.usdToMicros(budgetUsd), period);
        } else if (budgetPeriod != null) {
            if (s.budgetMicros() == null) {
                throw new IllegalArgumentException("--budget-period: '" + budgetPeriod
                        + "' without a budget (expected: --budget-usd <usd> too)");
            }
            s = s.withBudget(s.budgetMicros(), KeyValues.period(budgetPeriod));
        }
        if (expires != null) {
            s = s.withExpiresAt(KeyValues.expiry(expires));
        }
        if (tags != null) {
            Map<String, String> merged = new TreeMap<>(s.tags());
            merged.putAll(dev.tally.cli.options.TagArgument.parse("--tag", tags));
            s = s.withTags(merged);
        }
        if (payloadPolicy != null) {
            s = s.withPayloadPolicy(payloadPolicy);
        }
        if (returnCost != null) {
            s = s.withReturnCost(returnCost);
        }
        return s;
    }
}
