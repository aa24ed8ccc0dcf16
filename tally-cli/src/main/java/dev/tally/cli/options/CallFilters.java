package dev.tally.cli.options;

import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.CallQuery;
import dev.tally.cli.source.AuditReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The call record filters of {@code logs} and {@code export}, the same as the admin API's
 * {@code GET /v1/admin/logs}: a time range and exact matches on key, model, provider, status,
 * user and tags. A picocli mixin; not thread-safe.
 */
public final class CallFilters {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "<time>",
            description = "Calls started at or after this time, e.g. 2026-03-02T10:00:00Z, 2026-03-02, epoch ms or an age like 2h.")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "Calls started before this time (same forms).")
    String until;

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

    @Option(names = "--tag", paramLabel = "<name=value>", description = "Only calls with this tag value (repeatable: all must match).")
    List<String> tags = new ArrayList<>();

    /** The lower bound, or null. */
    public Instant since(Instant now) {
        return time("--since", since, now);
    }

    /** The upper bound, or null. */
    public Instant until(Instant now) {
        return time("--until", until, now);
    }

    /** Whether {@code --until} was given. */
    public boolean hasUntil() {
        return until != null;
    }

    /**
     * Checks the filters that need no data source (times, status, tags), so a malformed one is
     * reported before the source is opened.
     *
     * @throws CommandLine.ParameterException naming the option, value and expectation when one is malformed
     */
    public void check(Instant now) {
        query(null, now, 1, null);
    }

    /**
     * The query for these filters; {@code reader} resolves a key name (null: the value as given).
     *
     * @throws CommandLine.ParameterException naming the option, value and expectation when one is malformed
     */
    public CallQuery query(AuditReader reader, Instant now, int limit, String cursor) {
        Instant from = since(now);
        Instant to = until(now);
        if (from != null && to != null && !from.isBefore(to)) {
            throw usage("--since " + since + " is not before --until " + until + " (expected: an earlier --since)");
        }
        Map<String, String> tagMap;
        CallStatus callStatus;
        try {
            tagMap = TagArgument.parse("--tag", tags);
            callStatus = status == null ? null : Json.parseEnum(CallStatus.class, "--status", status);
            return new CallQuery(from, to, key == null || reader == null ? key : reader.keyFilter(key), model, provider, callStatus, user,
                    tagMap, limit, cursor);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
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
