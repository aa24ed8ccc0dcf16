package dev.tally.gateway.admin;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code GET /v1/admin/events}: security and admin events, newest first, as
 * {@code {"data":[event…],"next_cursor":…}}, each event in its canonical JSON ({@code kind}
 * {@code security} or {@code admin}). Parameters: {@code type} (one event type's wire name),
 * {@code since}, {@code until}, {@code limit} 1..1000 (default 100), {@code cursor}. Returns once
 * written. Thread-safe.
 */
final class EventsHandler implements AdminEndpoint.Action {

    private static final Set<String> PARAMS = Set.of("type", "since", "until", "limit", "cursor");
    /** Every event type's wire name. */
    static final Set<String> TYPES = new TreeSet<>(Stream.concat(
            Stream.of(SecurityEventType.values()).map(Json::wire),
            Stream.of(AdminEventType.values()).map(Json::wire)).toList());

    private final AdminServices services;

    EventsHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), PARAMS);
        String type = params.text("type");
        if (type != null && !TYPES.contains(type)) {
            throw ApiException.badParam("type", "type: '" + Params.clip(type) + "' (expected one of: "
                    + String.join(", ", TYPES) + ")");
        }
        Params.Range range = params.range();
        int limit = params.limit(CallQuery.DEFAULT_LIMIT, CallQuery.MAX_LIMIT);
        String cursor = params.cursor();
        Page<ChainedEntry> page;
        try {
            page = services.store().events(new EventQuery(type, range.since(), range.until(), limit, cursor));
        } catch (IllegalArgumentException e) {
            throw LogsHandler.refusedCursor(cursor, e);
        }
        JsonReply.send(res, 200, EntryJson.page(page));
    }
}
