package dev.tally.audit.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position after the last row of a page, newest first: its timestamp, chain and seq. Rows
 * are ordered by {@code (ts DESC, chain DESC, seq DESC)}, a total order over every chain; the
 * next page starts strictly after this triple, so rows committed between pages never shift it.
 * Encoded as URL-safe base64 of {@code "pg1:<ts>:<seq>:<chain>"}.
 */
record EntryCursor(long ts, String chain, long seq) {

    private static final String PREFIX = "pg1:";

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + ts + ":" + seq + ":" + chain).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a cursor from a previous page.
     *
     * @throws IllegalArgumentException naming the cursor when it is not one of ours
     */
    static EntryCursor decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(PREFIX)) {
                throw new IllegalArgumentException("bad prefix");
            }
            String[] parts = text.substring(PREFIX.length()).split(":", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException("bad parts");
            }
            return new EntryCursor(Long.parseLong(parts[0]), parts[2], Long.parseLong(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cursor: '" + cursor + "' (expected: a cursor returned by a previous page)", e);
        }
    }
}
