package dev.tally.gateway.admin;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.query.Page;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Entries as the admin API shows them: each in its canonical JSON (the exact bytes that were
 * hashed: snake_case, {@code kind} first, absent values left out), and pages as
 * {@code {"data":[…],"next_cursor":"…"|null}}. Stateless.
 */
final class EntryJson {

    private EntryJson() {
    }

    /** A page of entries. */
    static byte[] page(Page<ChainedEntry> page) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 1024 * page.data().size());
        try {
            out.write("{\"data\":[".getBytes(StandardCharsets.US_ASCII));
            boolean first = true;
            for (ChainedEntry entry : page.data()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                write(out, entry);
            }
            out.write("],\"next_cursor\":".getBytes(StandardCharsets.US_ASCII));
            out.write(page.nextCursor() == null ? "null".getBytes(StandardCharsets.US_ASCII)
                    : JsonReply.MAPPER.writeValueAsBytes(page.nextCursor()));
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toByteArray();
    }

    /** Writes one entry's canonical JSON. */
    static void write(OutputStream out, ChainedEntry entry) throws IOException {
        out.write(entry.canonicalBytes());
    }
}
