package dev.tally.cli.usage;

import dev.tally.audit.adjust.UsageAdjustments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.TimeArgument;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.source.UsageJson;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally usage}: calls, tokens, cost and latency over a time range, grouped by any of
 * the admin API's dimensions, with a totals row; {@code --json} prints the report in the shape
 * of {@code GET /v1/admin/usage}. Read from the rollups, so long ranges stay fast. Blocking:
 * returns after the report is printed. Not thread-safe (one per run).
 */
@Command(name = "usage",
        description = {"Show calls, tokens, cost and latency, grouped, with a totals row (like GET /v1/admin/usage).",
            "Example: tally usage --by model,day --since 7d"})
public final class UsageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--by", split = ",", paramLabel = "<dimension>",
            description = {"Group by these, comma-separated, in order: model, key, provider, status, user, hour, day, "
                + "hour_of_day, tag:<name> (at most one tag). Default: no groups, totals only."})
    List<String> by = new ArrayList<>();

    @Option(names = "--since", paramLabel = "<time>",
            description = "From this time: 2026-03-02T10:00:00Z, 2026-03-02, epoch ms, or an age like 7d (default: all time).")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "Before this time (same forms; default: now).")
    String until;

    @Option(names = "--order-by", paramLabel = "<column>",
            description = "Sort groups by this figure, largest first, e.g. cost_micros, calls, latency_p95.")
    String orderBy;

    @Option(names = "--limit", paramLabel = "<n>", description = "Keep only the first n groups (1..10000), e.g. the top spenders.")
    Integer limit;

    @Option(names = "--key", paramLabel = "<id|name>", description = "Only this virtual key.")
    String key;

    @Option(names = "--model", paramLabel = "<model>", description = "Only this requested model.")
    String model;

    @Option(names = "--provider", paramLabel = "<name>", description = "Only this provider.")
    String provider;

    @Option(names = "--status", paramLabel = "<status>",
            description = "Only this outcome: success, error, refused, cancelled or interrupted.")
    String status;

    @Option(names = "--user", paramLabel = "<user>", description = "Only this user.")
    String user;

    @Option(names = "--tag", paramLabel = "<name=value>", description = "Only calls with this tag value (at most one).")
    String tag;

    @Option(names = "--json", description = "Print the report as JSON, in the shape of GET /v1/admin/usage.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Instant now = Instant.now();
        List<GroupBy> groups = new ArrayList<>();
        for (String item : new LinkedHashSet<>(by)) {
            groups.add(checked(() -> GroupBy.parse(item)));
        }
        Instant from = since == null ? null : checked(() -> TimeArgument.parse("--since", since, now));
        Instant to = until == null ? null : checked(() -> TimeArgument.parse("--until", until, now));
        if (from != null && to != null && !from.isBefore(to)) {
            throw usage("--since " + since + " is not before --until " + until + " (expected: an earlier --since)");
        }
        CallStatus callStatus = status == null ? null : checked(() -> Json.parseEnum(CallStatus.class, "--status", status));
        Map<String, String> tagFilter = tag == null ? Map.of() : checked(() -> dev.tally.cli.options.TagArgument.parse("--tag", List.of(tag)));
        try (AuditReader reader = source.open()) {
            String keyId = key == null ? null : reader.keyFilter(key);
            UsageQuery query = checked(() -> new UsageQuery(from, to, groups, keyId, model, provider, callStatus, user,
                    tagFilter, orderBy, limit));
            UsageReport report = reader.usage(query);
            UsageAdjustments adjustments = reader.adjustments(query);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(UsageJson.toJson(report, adjustments, groups)));
            } else {
                UsageTable.print(out, groups, report, adjustments);
            }
            out.flush();
        }
        return TallyCommand.OK;
    }

    /** Runs a parse; its message, with the option's name as the user typed it, becomes a usage error. */
    private <T> T checked(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            for (String[] name : new String[][] {{"group_by:", "--by:"}, {"order_by:", "--order-by:"},
                {"limit:", "--limit:"}, {"tag:", "--tag:"}}) {
                if (message.startsWith(name[0])) {
                    message = name[1] + message.substring(name[0].length());
                }
            }
            throw usage(message);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
