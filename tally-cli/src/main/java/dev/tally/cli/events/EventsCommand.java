package dev.tally.cli.events;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.TimeArgument;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.text.Table;
import dev.tally.cli.text.Values;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
 * {@code tally events}: security events (authentication failures, limits, scope violations) and
 * admin events (key changes, configuration changes, retention and import runs), newest first,
 * as a table or canonical JSON lines. Blocking: returns after the page is printed. Not
 * thread-safe (one per run).
 */
@Command(name = "events",
        description = {"Show security and admin events, newest first (like GET /v1/admin/events).",
            "Example: tally events --type auth_failure --since 1d"})
public final class EventsCommand implements Callable<Integer> {

    private static final List<String> HEADER =
            List.of("TIME (UTC)", "KIND", "TYPE", "ACTOR/KEY", "TARGET/CLIENT", "DETAIL", "ID");

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--type", paramLabel = "<type>",
            description = "Only this type, e.g. auth_failure, rate_limited, key_created, config_changed, import_run.")
    String type;

    @Option(names = "--since", paramLabel = "<time>",
            description = "From this time: 2026-03-02T10:00:00Z, 2026-03-02, epoch ms, or an age like 1d.")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "Before this time (same forms).")
    String until;

    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "100", description = "Events per page, 1..1000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "<cursor>", description = "Start after this cursor, printed under the previous page.")
    String cursor;

    @Option(names = "--json", description = "Print each event as one line of canonical JSON (ndjson), for scripts.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 1 || limit > CallQuery.MAX_LIMIT) {
            throw usage("--limit: " + limit + " (expected: 1.." + CallQuery.MAX_LIMIT + ")");
        }
        if (type != null && !knownTypes().contains(type)) {
            throw usage("--type: '" + type + "' (expected one of: " + String.join(", ", knownTypes()) + ")");
        }
        Instant now = Instant.now();
        Instant from = time("--since", since, now);
        Instant to = time("--until", until, now);
        if (from != null && to != null && !from.isBefore(to)) {
            throw usage("--since " + since + " is not before --until " + until + " (expected: an earlier --since)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (AuditReader reader = source.open()) {
            Page<AuditEntry> page = reader.events(new EventQuery(type, from, to, limit, cursor));
            if (json) {
                page.data().forEach(e -> out.println(new String(EntryHasher.canonicalBytes(e), StandardCharsets.UTF_8)));
            } else if (page.data().isEmpty()) {
                out.println("no events match");
            } else {
                table(page.data()).print(out);
            }
            out.flush();
            if (page.nextCursor() != null) {
                spec.commandLine().getErr().println("more events: add --cursor " + page.nextCursor());
                spec.commandLine().getErr().flush();
            }
        }
        return TallyCommand.OK;
    }

    private static Table table(List<AuditEntry> events) {
        Table table = new Table(HEADER);
        for (AuditEntry entry : events) {
            switch (entry) {
                case SecurityEvent e -> table.row(List.of(Values.time(e.timestamp()), "security", Json.wire(e.type()),
                        or(e.keyPrefix(), e.keyId()), or(e.clientIp(), null), detail(e.detail(), e.model()), e.id()));
                case AdminEvent e -> table.row(List.of(Values.time(e.timestamp()), "admin", Json.wire(e.type()),
                        or(e.actor(), null), or(e.target(), null), or(e.detail(), null), e.id()));
                case CallRecord r -> table.row(List.of(Values.time(r.startedAt()), "call", Json.wire(r.status()),
                        or(r.keyName(), r.keyId()), or(r.clientIp(), null), or(r.model(), null), r.id()));
            }
        }
        return table;
    }

    /** Every event type's wire name, security types first. */
    static List<String> knownTypes() {
        List<String> types = new ArrayList<>();
        for (SecurityEventType t : SecurityEventType.values()) {
            types.add(Json.wire(t));
        }
        for (AdminEventType t : AdminEventType.values()) {
            types.add(Json.wire(t));
        }
        return types;
    }

    private static String detail(String detail, String model) {
        if (model == null) {
            return or(detail, null);
        }
        return (detail == null ? "" : detail + " ") + "(model " + model + ")";
    }

    private static String or(String first, String second) {
        return first != null ? first : second != null ? second : Values.NONE;
    }

    private Instant time(String option, String value, Instant now) {
        if (value == null) {
            return null;
        }
        try {
            return TimeArgument.parse(option, value, now);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
