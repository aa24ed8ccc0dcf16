package dev.tally.cli.logs;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.CallFilters;
import dev.tally.cli.options.ColorOption;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.TimeArgument;
import dev.tally.cli.source.AuditReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
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
 * {@code tally logs}: call records, newest first, with the admin API's filters; a table for
 * people or canonical JSON lines for scripts; {@code --follow} tails new records (see
 * {@link Follower}). The cursor of the next page goes to standard error, so standard output
 * holds only records. Blocking: returns after the page is printed, or, following, when
 * interrupted. Not thread-safe (one per run).
 */
@Command(name = "logs",
        description = {"Show call records, newest first, with the same filters as GET /v1/admin/logs.",
            "A table for people; --json prints one canonical JSON record per line; --follow tails new records."})
public final class LogsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Mixin
    CallFilters filters;

    @Mixin
    ColorOption color;

    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "100",
            description = "Records per page, 1..1000 (default: ${DEFAULT-VALUE}); not used by --follow.")
    int limit;

    @Option(names = "--cursor", paramLabel = "<cursor>", description = "Start after this cursor, printed under the previous page.")
    String cursor;

    @Option(names = "--json", description = "Print each record as one line of canonical JSON (ndjson), for scripts.")
    boolean json;

    @Option(names = "--id", paramLabel = "<id>",
            description = "Show this one record in full, with its chain position and kept payload (like GET /v1/admin/logs/{id}).")
    String id;

    @Option(names = {"-f", "--follow"}, description = "Print only records committed from now on, in commit order, until interrupted.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "<duration>", defaultValue = "1s",
            description = "With --follow: time between polls (default: ${DEFAULT-VALUE}).")
    String interval;

    private boolean colour;

    @Override
    public Integer call() {
        if (limit < 1 || limit > CallQuery.MAX_LIMIT) {
            throw usage("--limit: " + limit + " (expected: 1.." + CallQuery.MAX_LIMIT + ")");
        }
        Duration pollEvery = duration("--interval", interval);
        colour = color.enabled();
        if (follow && (filters.hasUntil() || cursor != null)) {
            throw usage("--follow cannot be used with " + (cursor != null ? "--cursor" : "--until")
                    + " (expected: --follow alone, or with --since and the other filters)");
        }
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        filters.check(now);
        PrintWriter out = spec.commandLine().getOut();
        if (id != null) {
            if (follow || cursor != null) {
                throw usage("--id cannot be used with " + (follow ? "--follow" : "--cursor")
                        + " (expected: --id alone, with --json at most)");
            }
            try (AuditReader reader = source.open()) {
                var detail = reader.call(id);
                if (json) {
                    RecordDetail.json(out, detail);
                } else {
                    RecordDetail.text(out, detail);
                }
                out.flush();
            }
            return TallyCommand.OK;
        }
        try (AuditReader reader = source.open()) {
            CallQuery query = filters.query(reader, now, limit, cursor);
            if (follow) {
                boolean[] first = {true};
                PrintWriter err = spec.commandLine().getErr();
                new Follower(reader, query, pollEvery).run(records -> {
                    if (first[0]) {
                        // Standard error, so standard output holds only records; also tells a script the start point is set.
                        err.println("following new call records in " + reader.where() + " (Ctrl-C to stop)");
                        err.flush();
                    }
                    print(out, records, first[0], true);
                    first[0] = false;
                });
                return TallyCommand.OK;
            }
            Page<AuditEntry> page = reader.calls(query);
            List<CallRecord> records = new ArrayList<>();
            page.data().forEach(e -> {
                if (e instanceof CallRecord r) {
                    records.add(r);
                }
            });
            if (records.isEmpty() && !json) {
                out.println("no call records match");
            } else {
                print(out, records, true, false);
            }
            out.flush();
            if (page.nextCursor() != null) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("more records: add --cursor " + page.nextCursor());
                err.flush();
            }
        }
        return TallyCommand.OK;
    }

    private void print(PrintWriter out, List<CallRecord> records, boolean first, boolean following) {
        if (json) {
            records.forEach(r -> LogTable.json(out, r));
        } else if (following) {
            if (first || !records.isEmpty()) {
                LogTable.table(records, colour).print(out, LogTable.FOLLOW_WIDTHS, first);
            }
        } else {
            LogTable.table(records, colour).print(out);
        }
        out.flush();
    }

    private Duration duration(String option, String value) {
        try {
            return TimeArgument.duration(option, value);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
