package dev.tally.gateway.admin;

import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /v1/admin/usage}: usage over {@code since}/{@code until}, grouped by the comma list
 * {@code group_by} ({@code model, key, provider, status, user, hour, day, hour_of_day,
 * tag:<name>}, several at once, at most one tag), sorted by {@code order_by} (a numeric column,
 * descending) and cut to the top {@code limit} (1..10000) groups. Optional filters narrow the
 * calls counted: {@code key} (id or name), {@code model}, {@code provider}, {@code status},
 * {@code user}, one {@code tag=name:value}. Read from the store's rollups through
 * {@link UsageQuery}; answer shape in {@link UsageJson}. Returns once written. Thread-safe.
 */
final class UsageHandler implements AdminEndpoint.Action {

    private static final Set<String> PARAMS = LogsHandler.with(CallFilters.NAMES, "group_by", "order_by", "limit");
    /** Most dimensions in one report. */
    private static final int MAX_GROUP_BY = 8;
    /** Most groups a top-N view may ask for. */
    static final int MAX_LIMIT = 10_000;

    private final AdminServices services;

    UsageHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), PARAMS);
        Params.Range range = params.range();
        List<GroupBy> groupBy = groupBy(params.text("group_by"));
        String orderBy = params.text("order_by");
        if (orderBy != null && !UsageQuery.ORDER_COLUMNS.contains(orderBy)) {
            throw ApiException.badParam("order_by", "order_by: '" + Params.clip(orderBy) + "' (expected one of: "
                    + String.join(", ", new TreeSet<>(UsageQuery.ORDER_COLUMNS)) + ")");
        }
        Integer limit = params.text("limit") == null ? null : params.limit(0, MAX_LIMIT);
        Map<String, String> tags = params.tags();
        if (tags.size() > 1) {
            throw ApiException.badParam("tag", "tag: " + tags.size() + " filters (expected: at most one for usage)");
        }
        UsageQuery query = new UsageQuery(range.since(), range.until(), groupBy,
                CallFilters.keyId(params.text("key"), services.keys()), params.text("model"), params.text("provider"),
                params.status(), params.text("user"), tags, orderBy, limit);
        Map<String, String> keyNames = new java.util.HashMap<>();
        if (groupBy.contains(GroupBy.Dimension.KEY)) {
            services.keys().list().forEach(k -> keyNames.put(k.id(), k.name()));
        }
        JsonReply.send(res, 200, UsageJson.report(services.store().usage(query), keyNames,
                dev.tally.audit.adjust.UsageAdjustments.of(services.store(), query), groupBy));
    }

    /** Parses the comma list; every item must be known, none twice, at most one tag. */
    static List<GroupBy> groupBy(String list) {
        if (list == null) {
            return List.of();
        }
        List<GroupBy> out = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            GroupBy g;
            try {
                g = GroupBy.parse(item);
            } catch (IllegalArgumentException e) {
                throw ApiException.badParam("group_by", "group_by: '" + Params.clip(item.strip())
                        + "' (expected a comma list of: model, key, provider, status, user, hour, day, hour_of_day,"
                        + " tag:<name>)");
            }
            if (out.contains(g)) {
                throw ApiException.badParam("group_by", "group_by: '" + Params.clip(g.wireName())
                        + "' given twice (expected: each dimension once)");
            }
            out.add(g);
        }
        if (out.size() > MAX_GROUP_BY) {
            throw ApiException.badParam("group_by", "group_by: " + out.size() + " dimensions (expected: at most "
                    + MAX_GROUP_BY + ")");
        }
        if (out.stream().filter(g -> g instanceof GroupBy.Tag).count() > 1) {
            throw ApiException.badParam("group_by", "group_by: '" + Params.clip(list)
                    + "' (expected: at most one tag:<name>)");
        }
        return out;
    }
}
