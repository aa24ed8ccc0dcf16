package dev.tally.gateway.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a provider's {@code text/event-stream} body into events, per the WHATWG SSE rules that
 * matter here: lines end in LF, CRLF or CR; a blank line ends an event; {@code event:} and
 * {@code data:} fields (one optional space after the colon), several {@code data:} lines joined
 * with LF; comment lines ({@code :}) kept in the raw bytes. Each event keeps its exact bytes so
 * the tee forwards what the provider sent, byte for byte.
 *
 * <p>{@link #next()} blocks until a whole event is read (the body's own timeouts apply) and
 * returns null at the end of the body. A body that ends in the middle of an event leaves
 * {@link #truncated()} true. Not thread-safe: one reader.
 */
public final class SseReader {

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private boolean eof;
    private boolean truncated;
    private boolean pendingCr;
    private long bytesRead;

    public SseReader(InputStream in) {
        this.in = in;
    }

    /** The next complete event, or null at the end of the body. */
    public SseEvent next() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(256);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        String event = null;
        StringBuilder data = null;
        boolean any = false;
        while (true) {
            int b = read();
            if (b < 0) {
                truncated = any || line.size() > 0;
                return null;
            }
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    raw.write(b);
                    continue; // the LF of a CRLF already counted as the line end
                }
            }
            raw.write(b);
            if (b != '\n' && b != '\r') {
                line.write(b);
                any = true;
                continue;
            }
            pendingCr = b == '\r';
            if (pendingCr && position < limit && buffer[position] == '\n') {
                // CRLF with the LF already read: keep the pair together. When the LF has not
                // arrived yet the event is returned at once (no waiting on the network) and the
                // LF is forwarded at the head of the next event: same bytes, same order.
                raw.write(buffer[position++]);
                pendingCr = false;
            }
            if (line.size() == 0) {
                if (!any) {
                    raw.reset(); // stray blank lines between events carry nothing
                    continue;
                }
                return new SseEvent(event, data == null ? null : data.toString(), raw.toByteArray());
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // comments (empty field name), id and retry are forwarded but not interpreted
                }
            }
        }
    }

    /** Whether the body ended inside an event (a sign the provider broke off). */
    public boolean truncated() {
        return truncated;
    }

    /** Bytes read from the body so far. */
    public long bytesRead() {
        return bytesRead;
    }

    private int read() throws IOException {
        if (position == limit) {
            if (eof) {
                return -1;
            }
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                eof = true;
                return -1;
            }
            position = 0;
            limit = n;
            bytesRead += n;
        }
        return buffer[position++] & 0xFF;
    }
}
