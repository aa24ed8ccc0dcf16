package dev.tally.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.alert.AlertState;
import dev.tally.audit.json.Json;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.text.Table;
import dev.tally.cli.text.Values;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally alerts}: the budget alerts of the outbox (every threshold a key, user or tag
 * budget crossed, and its webhook delivery), newest first, as a table or one JSON object per line
 * in the shape of {@code GET /v1/admin/alerts}. Blocking: returns after printing. Not thread-safe
 * (one per run).
 */
@Command(name = "alerts",
        description = {"Show budget alerts and their webhook delivery, newest first (like GET /v1/admin/alerts).",
            "Example: tally alerts --state failed"})
public final class AlertsCommand implements Callable<Integer> {

    private static final int MAX_LIMIT = 1_000;
    private static final List<String> HEADER = List.of("CROSSED (UTC)", "BUDGET", "THRESHOLD", "SPENT THEN", "STATE",
            "ATTEMPTS", "DELIVERY ID", "LAST ERROR");

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--state", paramLabel = "<state>", description = "Only pending, delivered or failed alerts.")
    String state;

    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "100",
            description = "At most this many, 1..1000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print each alert as one line of JSON (as the admin API), for scripts.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw usage("--limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
        }
        AlertState only = null;
        if (state != null) {
            try {
                only = Json.parseEnum(AlertState.class, "--state", state);
            } catch (IllegalArgumentException e) {
                throw usage("--state: '" + state + "' (expected one of: pending, delivered, failed)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (AuditReader reader = source.open()) {
            List<ObjectNode> alerts = reader.alerts(only, limit);
            if (json) {
                alerts.forEach(a -> out.println(a.toString()));
            } else if (alerts.isEmpty()) {
                out.println("no budget alerts" + (only == null ? "" : " " + state));
            } else {
                Table table = new Table(HEADER);
                for (ObjectNode a : alerts) {
                    table.row(List.of(Values.time(Instant.parse(a.path("crossed_at").asText())), a.path("budget").asText(),
                            a.path("threshold_percent").asInt() + "% of " + Values.usd(a.path("budget_micros").asLong())
                                    + "/" + a.path("period").asText(),
                            Values.usd(a.path("spent_micros").asLong()), a.path("state").asText(),
                            Integer.toString(a.path("attempts").asInt()), a.path("delivery_id").asText(),
                            text(a.get("last_error"))));
                }
                table.print(out);
            }
            out.flush();
        }
        return TallyCommand.OK;
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? Values.NONE : value.asText();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
