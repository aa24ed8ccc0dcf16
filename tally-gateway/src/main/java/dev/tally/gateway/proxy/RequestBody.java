package dev.tally.gateway.proxy;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * Reads a proxied call's request body. With a content-length the body is read into an array of
 * exactly that size (no 16 KiB read buffer and copy per call).
 *
 * <p>A body that ends before its content-length (the client closed its side) is {@link Short}:
 * the call is answered 400 {@code body_length_mismatch}. One that stops arriving on a connection
 * left open is given up after {@link BodyWatchdog#STALL_LIMIT} without a byte (the connection is
 * then closed, so no answer reaches the client; the record says {@code body_length_mismatch}). A
 * body longer than its content-length cannot be seen here: HTTP/1.1 reads the extra bytes as the
 * next request, which the server refuses as malformed (a JSON 400). Stateless.
 */
public final class RequestBody {

    private RequestBody() {
    }

    /** The body ended or stalled before its content-length. */
    public static final class Short extends IOException {
        private final long received;

        Short(long received, long declared, boolean stalled) {
            super("body: " + received + " bytes arrived" + (stalled ? ", then none for " + BodyWatchdog.STALL_LIMIT.toSeconds()
                    + " s" : "") + (declared < 0 ? "" : "; content-length declared " + declared)
                    + " (expected: exactly content-length bytes)", null);
            this.received = received;
        }

        /** The bytes that did arrive. */
        public long received() {
            return received;
        }
    }

    /**
     * The whole body; returns once it has arrived.
     *
     * @throws Short when it ended or stalled before its content-length
     * @throws IOException (or an unchecked connection exception) when the connection broke otherwise
     */
    public static byte[] read(ServerRequest req) throws IOException {
        return read(req, Integer.MAX_VALUE - 8);
    }

    /**
     * The body, or its first {@code limit + 1} bytes when it is longer than {@code limit} (the
     * caller refuses it as too large without reading the rest).
     */
    public static byte[] read(ServerRequest req, int limit) throws IOException {
        BodyWatchdog.progress();
        try {
            return readWatched(req, limit);
        } finally {
            BodyWatchdog.done();
            // An interrupt from the watchdog is spent: the read it stopped is over.
            Thread.interrupted();
        }
    }

    private static byte[] readWatched(ServerRequest req, int limit) throws IOException {
        InputStream in = req.content().inputStream();
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > limit) {
            declared = limit + 1L; // read only what shows the body is too large
        }
        if (declared < 0) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                byte[] chunk = new byte[16 * 1024];
                for (int r = in.read(chunk); r >= 0 && out.size() <= limit; r = in.read(chunk)) {
                    out.write(chunk, 0, r);
                    BodyWatchdog.progress();
                }
            } catch (IOException | RuntimeException e) {
                if (timedOut(e)) {
                    throw new Short(out.size(), declared, true);
                }
                throw e;
            }
            return out.toByteArray();
        }
        byte[] body = new byte[(int) declared];
        int n = 0;
        try {
            while (n < body.length) {
                int r = in.read(body, n, body.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                BodyWatchdog.progress();
            }
        } catch (IOException | RuntimeException e) {
            // Helidon reports the end of a connection mid-body as an unchecked "insufficient data".
            if (timedOut(e) || e instanceof io.helidon.common.buffers.DataReader.InsufficientDataAvailableException) {
                throw new Short(n, declared, timedOut(e));
            }
            throw e;
        }
        if (n < body.length) {
            throw new Short(n, declared, false);
        }
        return body;
    }

    /** Whether the read ended by a timeout or the watchdog's interrupt. */
    private static boolean timedOut(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof java.net.SocketException && String.valueOf(t.getMessage()).contains("interrupt")) {
                return true;
            }
        }
        return false;
    }
}
