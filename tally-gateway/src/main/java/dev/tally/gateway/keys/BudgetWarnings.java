package dev.tally.gateway.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Says when a key's budget cannot count what the key spends: a budget adds up the cost of the
 * key's calls, and a call to a model without a price has no cost, so a budget on a key that may
 * only call unpriced models never triggers, and one that may also call unpriced models misses
 * those calls. Such a budget is still accepted (prices may be added later); the warnings go into
 * the admin API's answer, the CLI's output and, at start, the gateway's log. Immutable,
 * thread-safe.
 */
public final class BudgetWarnings {

    private final Map<String, GatewayConfig.Model> models;

    /** @param models the configured models by public name ({@link GatewayConfig#models()}) */
    public BudgetWarnings(Map<String, GatewayConfig.Model> models) {
        this.models = Map.copyOf(models);
    }

    /** The warnings for {@code key}'s budget; empty when it has none, or every model it may call is priced. */
    public List<String> of(VirtualKey key) {
        if (key.budgetMicros() == null) {
            return List.of();
        }
        String subject = "budget of key '" + key.name() + "'";
        if (models.isEmpty()) {
            return List.of(subject + ": no model has a price (the configuration has no models section), so no call "
                    + "counts toward it and it never triggers (expected: models with a price, models.<name>.price)");
        }
        List<String> callable = key.allowedModels().isEmpty() ? List.copyOf(models.keySet()) : key.allowedModels();
        List<String> unpriced = new ArrayList<>();
        for (String model : callable) {
            GatewayConfig.Model configured = models.get(model);
            if (configured == null || !configured.priced()) {
                unpriced.add(model);
            }
        }
        if (unpriced.isEmpty()) {
            return List.of();
        }
        List<String> sorted = unpriced.stream().sorted().toList();
        if (unpriced.size() == callable.size()) {
            return List.of(subject + ": none of the models the key may call has a price (" + String.join(", ", sorted)
                    + "), so no call counts toward it and it never triggers (expected: a price under models.<name>.price)");
        }
        return List.of(subject + ": calls to " + String.join(", ", sorted) + " have no price and do not count toward "
                + "it (expected: a price under models.<name>.price for every model the key may call)");
    }
}
