package dev.tally.gateway.admin;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code GET /v1/admin/logs}: call records, newest first, one page of
 * {@code {"data":[record…],"next_cursor":…}}. Filters: see {@link CallFilters}; {@code limit}
 * 1..1000 (default 100); {@code cursor} from the previous page. Pages are cut on
 * (timestamp, row) so records arriving between pages never shift or repeat one. Returns once the
 * page was written. Thread-safe.
 */
final class LogsHandler implements AdminEndpoint.Action {

    private static final Set<String> PARAMS = with(CallFilters.NAMES, "limit", "cursor");

    private final AdminServices services;

    LogsHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), PARAMS);
        int limit = params.limit(CallQuery.DEFAULT_LIMIT, CallQuery.MAX_LIMIT);
        String cursor = params.cursor();
        CallQuery query = CallFilters.query(params, services.keys(), limit, cursor);
        JsonReply.send(res, 200, EntryJson.page(calls(query)));
    }

    /** One page from the store; a cursor the store does not recognise is a 400. */
    Page<ChainedEntry> calls(CallQuery query) {
        try {
            return services.store().calls(query);
        } catch (IllegalArgumentException e) {
            throw refusedCursor(query.cursor(), e);
        }
    }

    /** The store refuses only cursors it did not make; anything else is a bug, not the client's. */
    static RuntimeException refusedCursor(String cursor, IllegalArgumentException e) {
        if (cursor != null && String.valueOf(e.getMessage()).startsWith("cursor")) {
            return Params.badCursor(cursor);
        }
        return e;
    }

    static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(Set.of(more));
        return Set.copyOf(all);
    }
}
