package dev.tally.audit.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position after the last row of a page, newest first: its timestamp and row id. Rows are
 * ordered by {@code (ts DESC, row_id DESC)}; the next page starts strictly after this pair, so
 * rows committed between pages never shift it (they either sort before it or appear in a later
 * page exactly once). Encoded as URL-safe base64 of {@code "v1:<ts>:<row_id>"}.
 */
record PageCursor(long ts, long rowId) {

    private static final String PREFIX = "v1:";

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + ts + ":" + rowId).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Decodes a cursor from a previous page.
     *
     * @throws IllegalArgumentException naming the cursor when it is not one of ours
     */
    static PageCursor decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!text.startsWith(PREFIX)) {
                throw new IllegalArgumentException("bad prefix");
            }
            String[] parts = text.substring(PREFIX.length()).split(":", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("bad parts");
            }
            return new PageCursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cursor: '" + cursor + "' (expected: a cursor returned by a previous page)", e);
        }
    }
}
