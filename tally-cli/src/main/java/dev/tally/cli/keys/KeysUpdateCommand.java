package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.keys.KeySettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tally keys update}: changes a key's settings. Options not given stay as they are;
 * {@code --no-...} options remove a limit. Prints what changed, before and after.
 */
@Command(name = "update",
        description = "Change a key's name, models, limits, budget, expiry, policy, tags or enabled flag.")
final class KeysUpdateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Parameters(index = "0", paramLabel = "<id|name>", description = "The key's id or name.")
    String key;

    @Option(names = "--name", paramLabel = "<name>", description = "Rename the key.")
    String rename;

    @Mixin
    SettingOptions options;

    private final PriceCheck prices = new PriceCheck();

    @Option(names = "--all-models", description = "Allow every model.")
    boolean allModels;

    @Option(names = "--no-rpm", description = "Remove the requests-per-minute limit.")
    boolean noRpm;

    @Option(names = "--no-tpm", description = "Remove the tokens-per-minute limit.")
    boolean noTpm;

    @Option(names = "--no-budget", description = "Remove the spend budget.")
    boolean noBudget;

    @Option(names = "--no-expiry", description = "Make the key never expire.")
    boolean noExpiry;

    @Option(names = "--no-payload-policy", description = "Follow the global payload policy again.")
    boolean noPayloadPolicy;

    @Option(names = "--enable", description = "Switch the key on.")
    boolean enable;

    @Option(names = "--disable", description = "Switch the key off (it can be switched on again).")
    boolean disable;

    @Option(names = "--untag", paramLabel = "<name>", description = "Remove a tag (repeatable).")
    List<String> untag;

    @Override
    public Integer call() {
        UnaryOperator<KeySettings> change = checkedChange();
        if (source.remote()) {
            KeysApi api = new KeysApi(source.client());
            KeyJson current = api.get(key);
            KeySettings before = KeysApi.settings(current);
            KeySettings after;
            try {
                after = change.apply(before); // bad values are usage errors, found before sending
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            KeyJson updated = api.update(current.id(), after);
            print(before.describe(), KeysApi.settings(updated).describe(), updated.name(), updated.prefix(), updated.id());
            KeysCommand.warn(spec.commandLine().getErr(), api.warnings());
            return TallyCommand.OK;
        }
        prices.load(source);
        try (KeysStore store = KeysStore.open(source, false)) {
            KeyService service = store.service();
            VirtualKey current = KeysCommand.failing(() -> service.get(key));
            try {
                change.apply(KeySettings.of(current)); // bad values are usage errors, found before writing
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            VirtualKey updated = KeysCommand.failing(() -> service.update(current.id(), change, KeysStore.ACTOR));
            print(KeySettings.of(current).describe(), KeySettings.of(updated).describe(), updated.name(), updated.prefix(),
                    updated.id());
            KeysCommand.warn(spec.commandLine().getErr(), prices.of(updated));
        }
        return TallyCommand.OK;
    }

    private UnaryOperator<KeySettings> checkedChange() {
        conflict(options.models != null, allModels, "--models", "--all-models");
        conflict(options.rpm != null, noRpm, "--rpm", "--no-rpm");
        conflict(options.tpm != null, noTpm, "--tpm", "--no-tpm");
        conflict(options.budgetUsd != null || options.budgetPeriod != null, noBudget, "--budget-usd/--budget-period",
                "--no-budget");
        conflict(options.expires != null, noExpiry, "--expires", "--no-expiry");
        conflict(options.payloadPolicy != null, noPayloadPolicy, "--payload-policy", "--no-payload-policy");
        conflict(enable, disable, "--enable", "--disable");
        boolean any = options.any() || rename != null || allModels || noRpm || noTpm || noBudget || noExpiry
                || noPayloadPolicy || enable || disable || untag != null;
        if (!any) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "nothing to change: give at least one option");
        }
        return this::apply;
    }

    private KeySettings apply(KeySettings base) {
        KeySettings s = options.applyTo(rename == null ? base : base.withName(rename));
        if (allModels) {
            s = s.withAllowedModels(List.of());
        }
        if (noRpm) {
            s = s.withRequestsPerMinute(null);
        }
        if (noTpm) {
            s = s.withTokensPerMinute(null);
        }
        if (noBudget) {
            s = s.withBudget(null, null);
        }
        if (noExpiry) {
            s = s.withExpiresAt(null);
        }
        if (noPayloadPolicy) {
            s = s.withPayloadPolicy(null);
        }
        if (enable || disable) {
            s = s.withEnabled(enable);
        }
        if (untag != null) {
            Map<String, String> tags = new TreeMap<>(s.tags());
            untag.forEach(tags::remove);
            s = s.withTags(tags);
        }
        return s;
    }

    private void conflict(boolean a, boolean b, String first, String second) {
        if (a && b) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    first + " and " + second + " cannot be used together (expected: one of them)");
        }
    }

    private void print(Map<String, String> before, Map<String, String> after, String keyName, String prefix, String id) {
        PrintWriter out = spec.commandLine().getOut();
        List<String> lines = new ArrayList<>();
        Map<String, String> names = new TreeMap<>(before);
        names.putAll(after);
        for (String name : names.keySet()) {
            String was = before.getOrDefault(name, "none");
            String now = after.getOrDefault(name, "none");
            if (!was.equals(now)) {
                lines.add("  " + name + ": " + was + " -> " + now);
            }
        }
        if (lines.isEmpty()) {
            out.println("key " + keyName + ": nothing changed");
        } else {
            out.println("updated key " + keyName + " (" + prefix + ", id " + id + ")");
            lines.forEach(out::println);
        }
        out.flush();
    }
}
