package dev.tally.audit.query;

import java.time.Instant;

/**
 * A query for security and admin events, newest first.
 *
 * @param type only this event type's wire name (e.g. {@code auth_failure}, {@code key_created}), or null for all
 * @param since inclusive lower bound, or null
 * @param until exclusive upper bound, or null
 * @param limit page size, 1..1000
 * @param cursor the previous page's {@code nextCursor}, or null
 */
public record EventQuery(String type, Instant since, Instant until, int limit, String cursor) {

    public EventQuery {
        if (limit < 1 || limit > CallQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + CallQuery.MAX_LIMIT + ")");
        }
    }

    /** The same query for the page after {@code nextCursor}. */
    public EventQuery after(String nextCursor) {
        return new EventQuery(type, since, until, limit, nextCursor);
    }
}
