package dev.tally.cli.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.audit.json.Json;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.gateway.keys.CreatedKey;
import dev.tally.gateway.keys.KeySettings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tally keys create}: makes a key and prints its secret, the only time it is shown. */
@Command(name = "create",
        description = "Create a virtual key and print its secret (shown once, never stored).")
final class KeysCreateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--name", required = true, paramLabel = "<name>",
            description = "Unique name: 1-64 characters of A-Z a-z 0-9 . _ - (letter or digit first).")
    String name;

    @Mixin
    SettingOptions options;

    private final PriceCheck prices = new PriceCheck();

    @Option(names = "--disabled", description = "Create the key switched off.")
    boolean disabled;

    @Option(names = "--json", description = "Print id, name, prefix and secret as JSON.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        KeySettings settings;
        try {
            settings = options.applyTo(KeySettings.named(name)).withEnabled(!disabled);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        prices.load(source);
        if (source.remote()) {
            KeysApi api = new KeysApi(source.client());
            KeysApi.Created created = api.create(settings);
            print(created.key().id(), created.key().name(), created.key().prefix(), created.secret());
            KeysCommand.warn(spec.commandLine().getErr(), api.warnings());
            return TallyCommand.OK;
        }
        try (KeysStore store = KeysStore.open(source, true)) {
            CreatedKey created = KeysCommand.failing(() -> store.service().create(settings, KeysStore.ACTOR));
            print(created.key().id(), created.key().name(), created.key().prefix(), created.secret());
            KeysCommand.warn(spec.commandLine().getErr(), prices.of(created.key()));
        }
        return TallyCommand.OK;
    }

    private void print(String id, String keyName, String prefix, String secret) throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, String> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("name", keyName);
            view.put("prefix", prefix);
            view.put("secret", secret);
            out.println(Json.mapper().writeValueAsString(view));
        } else {
            out.println("created key " + keyName);
            out.println("  id:     " + id);
            out.println("  prefix: " + prefix);
            out.println("  secret: " + secret);
            out.println("The secret is shown only now: store it safely. Tally keeps only its SHA-256.");
        }
        out.flush();
    }
}
