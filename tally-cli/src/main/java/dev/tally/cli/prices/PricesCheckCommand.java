package dev.tally.cli.prices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.TimeArgument;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.text.Table;
import dev.tally.gateway.admin.PricesJson;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally prices check}: the configured models without a price, and the calls since
 * {@code --since} (default: the last 7 days) that went unpriced, by the model the client asked
 * for. Through {@code --url} the models come from {@code GET /v1/admin/prices} and the calls from
 * {@code GET /v1/admin/usage}; read directly, the models come from {@code --config} (with only
 * {@code --data} they cannot be known, and only the calls are checked) and the calls from the
 * store's rollups. Exit code 1 when anything is unpriced, so it can gate a deployment. Blocking:
 * returns after printing. Not thread-safe (one per run).
 */
@Command(name = "check",
        description = {"List configured models without a price and the calls of the last 7 days that went unpriced, by model.",
            "Exit code 1 when there are any.",
            "Example: tally prices check --config tally.yaml"})
public final class PricesCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--since", paramLabel = "<time>", defaultValue = "7d",
            description = "Count unpriced calls from this time: ISO-8601, a date, or an age like 7d (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--json", description = "Print the findings as one JSON object, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        Instant from;
        try {
            from = TimeArgument.parse("--since", since, now);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<String> unpricedModels = unpricedModels();
        List<String[]> unpricedCalls = new ArrayList<>();
        try (AuditReader reader = source.open()) {
            UsageQuery query = new UsageQuery(from, null, List.of(GroupBy.parse("model")), null, null, null, null, null,
                    java.util.Map.of(), "unpriced_calls", null);
            for (UsageGroup g : reader.usage(query).groups()) {
                if (g.stats().unpricedCalls() > 0) {
                    String model = g.group().get("model");
                    unpricedCalls.add(new String[] {model == null ? "(none)" : model, Long.toString(g.stats().unpricedCalls()),
                            Long.toString(g.stats().calls())});
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, from, unpricedModels, unpricedCalls);
        } else {
            printText(out, from, unpricedModels, unpricedCalls);
        }
        out.flush();
        boolean clean = (unpricedModels == null || unpricedModels.isEmpty()) && unpricedCalls.isEmpty();
        return clean ? TallyCommand.OK : TallyCommand.FAILURE;
    }

    /** The configured models without a price, or null when the source cannot say (only {@code --data}). */
    private List<String> unpricedModels() {
        if (source.remote()) {
            JsonNode listing = source.client().get("/v1/admin/prices", List.of());
            JsonNode models = listing.get("unpriced_models");
            if (models == null || !models.isArray()) {
                throw new CommandFailure("url: /v1/admin/prices answered without an unpriced_models array "
                        + "(expected: {\"models\":[…],\"unpriced_models\":[…]})");
            }
            List<String> out = new ArrayList<>();
            models.forEach(m -> out.add(m.asText()));
            return out;
        }
        return source.settings().map(config -> PricesJson.unpricedModels(config.models())).orElse(null);
    }

    private static void printText(PrintWriter out, Instant from, List<String> models, List<String[]> calls) {
        if (models == null) {
            out.println("models without a price: unknown (give --config <tally.yaml> or --url to check the configuration)");
        } else if (models.isEmpty()) {
            out.println("models without a price: none");
        } else {
            out.println("models without a price (" + models.size() + "): " + String.join(", ", models));
        }
        if (calls.isEmpty()) {
            out.println("unpriced calls since " + from + ": none");
            return;
        }
        out.println("unpriced calls since " + from + ", by model asked for:");
        Table table = new Table(List.of("MODEL", "UNPRICED CALLS", "ALL CALLS"));
        calls.forEach(row -> table.row(List.of(row)));
        table.print(out);
    }

    private static void printJson(PrintWriter out, Instant from, List<String> models, List<String[]> calls) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        if (models == null) {
            root.putNull("unpriced_models");
        } else {
            ArrayNode list = root.putArray("unpriced_models");
            models.forEach(list::add);
        }
        root.put("since", from.toString());
        ArrayNode list = root.putArray("unpriced_calls");
        for (String[] row : calls) {
            list.addObject().put("model", row[0]).put("unpriced_calls", Long.parseLong(row[1])).put("calls", Long.parseLong(row[2]));
        }
        out.println(mapper.writeValueAsString(root));
    }
}
