package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.cli.CommandFailure;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.keys.BudgetWarnings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config <tally.yaml>} for {@code keys create/update} on a data directory: the gateway's
 * configuration, read only for its model prices, so a budget over models without a price is
 * warned about as the admin API warns through {@code --url} ({@link BudgetWarnings}). Without it
 * the CLI cannot know the prices and the gateway warns when it starts. A picocli mixin; not
 * thread-safe.
 */
final class PriceCheck {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>",
            description = "With --data: the gateway's tally.yaml, to warn about a budget over models it gives no price.")
    Path config;

    private BudgetWarnings warnings;

    /**
     * Reads {@code --config} before anything changes.
     *
     * @throws CommandLine.ParameterException when {@code --config} is given with {@code --url}
     * @throws CommandFailure when the file cannot be read as a configuration
     */
    void load(boolean remote, Path dataDir) {
        if (config == null) {
            return;
        }
        if (remote) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--config goes with --data: through --url the "
                    + "gateway warns with its own configuration (expected: --data <dir>, or no --config)");
        }
        try {
            warnings = new BudgetWarnings(ConfigLoader.load(config, dataDir, System.getenv()).models());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("config: " + e.getMessage(), e);
        }
    }

    /** The warnings for {@code key}; empty without {@code --config}. */
    List<String> of(VirtualKey key) {
        return warnings == null ? List.of() : warnings.of(key);
    }
}
