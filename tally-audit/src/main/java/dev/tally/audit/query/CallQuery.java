package dev.tally.audit.query;

import dev.tally.audit.entry.CallStatus;
import java.time.Instant;
import java.util.Map;

/**
 * A query for call records, newest first.
 *
 * @param since inclusive lower bound on started_at, or null
 * @param until exclusive upper bound on started_at, or null
 * @param keyId only this key, or null
 * @param model only this requested model, or null
 * @param provider only this provider, or null
 * @param status only this status, or null
 * @param user only this user, or null
 * @param tags only records carrying every one of these tag values
 * @param limit page size, 1..1000
 * @param cursor the {@code nextCursor} of the previous page, or null for the first page
 */
public record CallQuery(
        Instant since,
        Instant until,
        String keyId,
        String model,
        String provider,
        CallStatus status,
        String user,
        Map<String, String> tags,
        int limit,
        String cursor) {

    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    public CallQuery {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
        }
    }

    /** Every call, newest first, {@code limit} at a time. */
    public static CallQuery all(int limit) {
        return new CallQuery(null, null, null, null, null, null, null, Map.of(), limit, null);
    }

    /** The same query for the page after {@code nextCursor}. */
    public CallQuery after(String nextCursor) {
        return new CallQuery(since, until, keyId, model, provider, status, user, tags, limit, nextCursor);
    }
}
