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
 * next request, which the server refuses as malformed (a JSON 400). A chunked body with broken
 * framing (a chunk size that is not hexadecimal or too large, a bad last chunk) or past the size
 * limit is {@link Malformed}: a 400 {@code invalid_request} or 413 {@code request_too_large}, never
 * a 500. Stateless.
 */
public final class RequestBody {

    private RequestBody() {
    }

    /** The body ended or stalled before its content-length. */
    public static final class Short extends IOException {
        private final long received;

        Short(long received, long declared, boolean stalled) {
            super("body: " + received + " bytes arrived" + (declared < 0 ? " in whole chunks" : "") + (stalled ? ", then none for " + BodyWatchdog.STALL_LIMIT.toSeconds()
                    + " s" : "") + (declared < 0
                            ? (stalled ? "" : ", then the client stopped sending") + " before the chunked body's last chunk "
                                    + "(expected: a chunked body ending with a chunk of size 0)"
                            : "; content-length declared " + declared + " (expected: exactly content-length bytes)"), null);
            this.received = received;
        }

        /** The bytes that did arrive. */
        public long received() {
            return received;
        }
    }

    /** A chunked body whose framing is broken, or that grew past the size limit: refused with {@link #code()}. */
    public static final class Malformed extends IOException {
        private final ErrorCode code;

        Malformed(ErrorCode code, String message) {
            super(message, null);
            this.code = code;
        }

        /** {@code invalid_request} for broken framing, {@code request_too_large} past the limit. */
        public ErrorCode code() {
            return code;
        }
    }

    /**
     * The whole body; returns once it has arrived.
     *
     * @throws Short when it ended or stalled before its content-length
     * @throws Malformed when its chunked framing is broken or it is too large
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
        boolean whole = declared <= limit;
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
                if (e instanceof io.helidon.common.buffers.DataReader.InsufficientDataAvailableException) {
                    throw new Short(out.size(), declared, false);
                }
                throw malformedChunks(e);
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
        if (whole && body.length > 0) {
            // The end of the entity, read now (no socket read: the length is known), so Helidon
            // counts it consumed instead of draining it after the handler through a 2 KiB buffer.
            in.read();
        }
        return body;
    }

    /**
     * What Helidon's chunked decoder threw, as the client's error: it parses the chunk size with
     * {@link Integer#parseUnsignedInt} (a {@link NumberFormatException} for {@code zz}, {@code -1} or
     * more than 31 bits) and refuses a bad last chunk or a body past the limit with a
     * {@link io.helidon.http.RequestException}. Anything else is not the client's doing and is rethrown.
     */
    private static RuntimeException malformedChunks(Exception e) throws IOException {
        if (e instanceof NumberFormatException) {
            throw new Malformed(ErrorCode.INVALID_REQUEST, "body: a chunk size that is not a hexadecimal number below 2^31 ("
                    + shown(e.getMessage()) + ") (expected: chunks of <hex size>CRLF<data>CRLF, ending with 0CRLFCRLF)");
        }
        if (e instanceof io.helidon.http.RequestException re) {
            if (re.status().code() == 413) {
                throw new Malformed(ErrorCode.REQUEST_TOO_LARGE, "body: more than the route's size limit arrived in chunks "
                        + "(expected: a smaller body)");
            }
            throw new Malformed(ErrorCode.INVALID_REQUEST, "body: broken chunked framing (" + shown(re.getMessage())
                    + ") (expected: chunks of <hex size>CRLF<data>CRLF, ending with 0CRLFCRLF)");
        }
        if (e instanceof IOException io) {
            throw io;
        }
        return (RuntimeException) e;
    }

    /** A parser's message quotes the client's bytes: at most 60 characters of it. */
    private static String shown(String message) {
        String m = String.valueOf(message);
        return m.length() <= 60 ? m : m.substring(0, 57) + "...";
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
