package dev.tally.cli.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.cli.CommandFailure;
import java.io.IOException;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads through a gateway's admin API: {@code GET /v1/admin/logs}, {@code /events} and
 * {@code /usage}, with the parameters and JSON shapes of DESIGN.md section 4. Instants are sent
 * as ISO-8601 UTC with milliseconds. Not thread-safe; one per command run.
 */
public final class AdminApiReader implements AuditReader {

    private final AdminClient client;

    public AdminApiReader(AdminClient client) {
        this.client = client;
    }

    /** The client, for routes beyond the three queries (export, verify, keys). */
    public AdminClient client() {
        return client;
    }

    @Override
    public Page<AuditEntry> calls(CallQuery query) {
        return page(client.get("/v1/admin/logs", params(query)), "logs");
    }

    @Override
    public String tailHead() {
        return position(client.get("/v1/admin/tail", List.of()));
    }

    @Override
    public Tail tail(String position, CallQuery filters) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        add(params, "after", position);
        add(params, "since", filters.since());
        add(params, "key", filters.keyId());
        add(params, "model", filters.model());
        add(params, "provider", filters.provider());
        add(params, "status", filters.status() == null ? null : Json.wire(filters.status()));
        add(params, "user", filters.user());
        filters.tags().forEach((name, value) -> params.add(new SimpleEntry<>("tag", name + ":" + value)));
        JsonNode answer = client.get("/v1/admin/tail", params);
        List<CallRecord> records = new ArrayList<>();
        for (AuditEntry e : page(answer, "tail").data()) {
            if (e instanceof CallRecord r) {
                records.add(r);
            }
        }
        return new Tail(records, position(answer));
    }

    private static String position(JsonNode answer) {
        JsonNode position = answer.get("position");
        if (position == null || !position.isTextual()) {
            throw new CommandFailure("url: /v1/admin/tail answered without a position (expected: "
                    + "{\"data\":[…],\"position\":\"…\"}; a gateway older than this CLI has no tail route)");
        }
        return position.asText();
    }

    @Override
    public Page<AuditEntry> events(EventQuery query) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        add(params, "type", query.type());
        add(params, "since", query.since());
        add(params, "until", query.until());
        params.add(new SimpleEntry<>("limit", Integer.toString(query.limit())));
        add(params, "cursor", query.cursor());
        return page(client.get("/v1/admin/events", params), "events");
    }

    @Override
    public List<com.fasterxml.jackson.databind.node.ObjectNode> alerts(dev.tally.audit.alert.AlertState state, int limit) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        add(params, "state", state == null ? null : Json.wire(state));
        params.add(new SimpleEntry<>("limit", Integer.toString(limit)));
        JsonNode data = client.get("/v1/admin/alerts", params).get("data");
        if (data == null || !data.isArray()) {
            throw new CommandFailure("url: /v1/admin/alerts answered without a data array (expected: {\"data\":[…]})");
        }
        List<com.fasterxml.jackson.databind.node.ObjectNode> out = new ArrayList<>();
        for (JsonNode alert : data) {
            if (!(alert instanceof com.fasterxml.jackson.databind.node.ObjectNode node)) {
                throw new CommandFailure("url: /v1/admin/alerts answered an alert that is not an object: " + alert);
            }
            out.add(node);
        }
        return out;
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        return UsageJson.report(usageJson(query));
    }

    /** {@inheritDoc} From the same answer as {@link #usage} when asked for the same query right after it. */
    @Override
    public dev.tally.audit.adjust.UsageAdjustments adjustments(UsageQuery query) {
        return UsageJson.adjustments(usageJson(query), query.groupBy());
    }

    private UsageQuery lastUsageQuery;
    private com.fasterxml.jackson.databind.JsonNode lastUsage;

    private com.fasterxml.jackson.databind.JsonNode usageJson(UsageQuery query) {
        if (query.equals(lastUsageQuery)) {
            return lastUsage;
        }
        List<Map.Entry<String, String>> params = new ArrayList<>();
        add(params, "since", query.since());
        add(params, "until", query.until());
        if (!query.groupBy().isEmpty()) {
            params.add(new SimpleEntry<>("group_by",
                    query.groupBy().stream().map(GroupBy::wireName).collect(Collectors.joining(","))));
        }
        add(params, "order_by", query.orderBy());
        if (query.limit() != null) {
            params.add(new SimpleEntry<>("limit", query.limit().toString()));
        }
        add(params, "key", query.keyId());
        add(params, "model", query.model());
        add(params, "provider", query.provider());
        add(params, "status", query.status() == null ? null : Json.wire(query.status()));
        add(params, "user", query.user());
        query.tag().forEach((name, value) -> params.add(new SimpleEntry<>("tag", name + ":" + value)));
        lastUsage = client.get("/v1/admin/usage", params);
        lastUsageQuery = query;
        return lastUsage;
    }

    @Override
    public ObjectNode call(String id) {
        if (!id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new dev.tally.cli.UsageFailure("--id: '" + id + "' (expected: a record id, 1-64 characters of A-Z a-z 0-9 -)");
        }
        JsonNode answer = client.get("/v1/admin/logs/" + id, List.of());
        if (!answer.isObject()) {
            throw new CommandFailure("url: /v1/admin/logs/" + id + " answered " + answer.getNodeType()
                    + " (expected: the record as a JSON object)");
        }
        return (ObjectNode) answer;
    }

    @Override
    public String keyFilter(String idOrName) {
        return idOrName;
    }

    @Override
    public String where() {
        return client.base().toString();
    }

    @Override
    public void close() {
        // The JDK client holds no resource that needs closing before the process exits.
    }

    /** The logs filters of {@code query} as admin API parameters (also used by export). */
    public static List<Map.Entry<String, String>> params(CallQuery query) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        add(params, "since", query.since());
        add(params, "until", query.until());
        add(params, "key", query.keyId());
        add(params, "model", query.model());
        add(params, "provider", query.provider());
        add(params, "status", query.status() == null ? null : Json.wire(query.status()));
        add(params, "user", query.user());
        query.tags().forEach((name, value) -> params.add(new SimpleEntry<>("tag", name + ":" + value)));
        params.add(new SimpleEntry<>("limit", Integer.toString(query.limit())));
        add(params, "cursor", query.cursor());
        return params;
    }

    private static void add(List<Map.Entry<String, String>> params, String name, Object value) {
        if (value instanceof Instant instant) {
            params.add(new SimpleEntry<>(name, Json.INSTANT_FORMAT.format(instant)));
        } else if (value != null) {
            params.add(new SimpleEntry<>(name, value.toString()));
        }
    }

    private static Page<AuditEntry> page(JsonNode answer, String route) {
        JsonNode data = answer.get("data");
        if (data == null || !data.isArray()) {
            throw new CommandFailure("url: /v1/admin/" + route + " answered without a data array (expected: "
                    + "{\"data\":[…],\"next_cursor\":…})");
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (JsonNode node : data) {
            entries.add(entry(node, route));
        }
        JsonNode next = answer.get("next_cursor");
        return new Page<>(entries, next == null || next.isNull() ? null : next.asText());
    }

    /** One entry from its JSON; a node without {@code kind} is taken from what the route returns. */
    static AuditEntry entry(JsonNode node, String route) {
        try {
            if (node.hasNonNull("kind")) {
                return Json.mapper().treeToValue(node, AuditEntry.class);
            }
            Class<? extends AuditEntry> type = route.equals("logs") || route.equals("tail") ? CallRecord.class
                    : isSecurityType(node.path("type").asText()) ? SecurityEvent.class : AdminEvent.class;
            ObjectNode copy = node.deepCopy();
            return Json.mapper().treeToValue(copy, type);
        } catch (IOException | RuntimeException e) {
            throw new CommandFailure("url: /v1/admin/" + route + " answered an entry that cannot be read ("
                    + e.getMessage() + "; expected: entries as the audit log writes them)", e);
        }
    }

    private static boolean isSecurityType(String type) {
        for (SecurityEventType t : SecurityEventType.values()) {
            if (Json.wire(t).equals(type)) {
                return true;
            }
        }
        return false;
    }
}
