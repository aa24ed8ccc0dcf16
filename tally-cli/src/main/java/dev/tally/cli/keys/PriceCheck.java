package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.cli.options.SourceOptions;
import dev.tally.gateway.keys.BudgetWarnings;
import java.util.List;

/**
 * Budget warnings for {@code keys create/update} read directly from a store: with
 * {@code --config <tally.yaml>} (the same option that names the store), the gateway's model prices
 * are known, so a budget over models without a price is warned about as the admin API warns
 * through {@code --url} ({@link BudgetWarnings}). With only {@code --data} the CLI cannot know the
 * prices and the gateway warns when it starts. Not thread-safe.
 */
final class PriceCheck {

    private BudgetWarnings warnings;

    /**
     * Reads the prices of {@code --config}, if given, before anything changes.
     *
     * @throws dev.tally.cli.CommandFailure when the file cannot be read as a configuration
     */
    void load(SourceOptions source) {
        if (!source.remote()) {
            source.settings().ifPresent(config -> warnings = new BudgetWarnings(config.models()));
        }
    }

    /** The warnings for {@code key}; empty without {@code --config}. */
    List<String> of(VirtualKey key) {
        return warnings == null ? List.of() : warnings.of(key);
    }
}
