package dev.tally.cli.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.audit.json.Json;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tally keys list}: every key, revoked ones included, oldest first. Never shows a secret. */
@Command(name = "list", description = "List every key (revoked ones included), oldest first.")
final class KeysListCommand implements Callable<Integer> {

    private static final List<String> HEADER =
            List.of("NAME", "ID", "PREFIX", "STATUS", "MODELS", "RPM", "TPM", "BUDGET", "EXPIRES");

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        List<KeyJson> keys;
        if (source.remote()) {
            keys = new KeysApi(source.client()).list();
        } else {
            try (KeysStore store = KeysStore.open(source, false)) {
                Instant now = store.clock().instant();
                keys = KeysCommand.failing(() -> store.store().keys()).stream().map(k -> KeyJson.of(k, now)).toList();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writeValueAsString(keys));
        } else if (keys.isEmpty()) {
            out.println("no keys (create one with 'tally keys create --name <name>')");
        } else {
            printTable(out, keys);
        }
        out.flush();
        return TallyCommand.OK;
    }

    private static void printTable(PrintWriter out, List<KeyJson> keys) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (KeyJson k : keys) {
            rows.add(List.of(k.name(), k.id(), k.prefix(), k.status(),
                    k.allowedModels() == null || k.allowedModels().isEmpty() ? "*" : String.join(",", k.allowedModels()),
                    text(k.requestsPerMinute()), text(k.tokensPerMinute()), KeyValues.budget(k.budgetMicros(),
                    k.budgetPeriod()), text(k.expiresAt())));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), widths[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }

    private static String pad(String value, int width) {
        return value + " ".repeat(width - value.length());
    }
}
