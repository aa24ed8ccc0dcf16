package dev.tally.gateway.organization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One checked request to an organization route.
 *
 * @param report the route
 * @param start {@code start_time}, unix seconds, inclusive
 * @param end {@code end_time} (or the time of the first page when absent), unix seconds, exclusive
 * @param width the bucket width
 * @param groupBy the fields to group by, in the report's order, each once
 * @param filters the filter values by field (only non-empty sets)
 * @param batch the {@code batch} filter, or null for both
 * @param limit buckets in this page
 * @param pageStart where this page begins: {@code start_time} on the first page, else the next_page's
 *     (aligned) bucket start
 */
record UsageRequest(Report report, long start, long end, BucketWidth width, List<Field> groupBy,
        Map<Field, Set<String>> filters, Boolean batch, int limit, long pageStart) {

    UsageRequest {
        groupBy = List.copyOf(groupBy);
        filters = Map.copyOf(filters);
    }

    /**
     * What the cursor binds a page to: every parameter that decides the buckets' content, so a
     * {@code page} cannot be replayed against a different query. {@code limit} is left out: pages
     * may be of any size.
     */
    String fingerprint() {
        StringBuilder s = new StringBuilder(report.path()).append('\n').append(start).append('\n')
                .append(width.wire()).append('\n').append(groupBy).append('\n').append(batch);
        for (Field f : report.filters()) {
            s.append('\n').append(f.filter()).append('=').append(new TreeSet<>(filters.getOrDefault(f, Set.of())));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The end of this page: the first bucket after it, or the range's end. */
    long pageEnd() {
        return Math.min(end, width.floor(pageStart) + limit * width.seconds());
    }
}
