package dev.tally.gateway.organization;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code page} / {@code next_page} cursor: {@code page_} and the unpadded base64url of
 * {@code v1:<next bucket start>:<end_time>:<fingerprint>}. It carries the range's end, so a query
 * without {@code end_time} keeps the end its first page resolved and its pages never shift; and the
 * request's fingerprint ({@link UsageRequest#fingerprint()}), so a cursor is refused on another
 * query. Immutable.
 *
 * @param next the start of the next page's first bucket, unix seconds
 * @param end the range's end, unix seconds
 * @param fingerprint the fingerprint of the query the cursor belongs to
 */
record PageCursor(long next, long end, String fingerprint) {

    private static final String PREFIX = "page_";

    /** The wire form. */
    String encode() {
        String body = "v1:" + next + ":" + end + ":" + fingerprint;
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a cursor.
     *
     * @throws BadParameter naming {@code page} when it is not one this API wrote
     */
    static PageCursor decode(String page) {
        BadParameter bad = new BadParameter("page", "page: '" + BadParameter.clip(page)
                + "' (expected: the next_page of an earlier answer)");
        if (!page.startsWith(PREFIX)) {
            throw bad;
        }
        String body;
        try {
            body = new String(Base64.getUrlDecoder().decode(page.substring(PREFIX.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad;
        }
        String[] parts = body.split(":", -1);
        if (parts.length != 4 || !parts[0].equals("v1") || !parts[3].matches("[0-9a-f]{16}")) {
            throw bad;
        }
        try {
            return new PageCursor(Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
        } catch (NumberFormatException e) {
            throw bad;
        }
    }
}
