package dev.tally.gateway.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status line and headers of an HTTP/1.1 response, parsed from a connection's buffer, and
 * what they say about the body's framing and the connection's reuse (RFC 9112 sections 4-6).
 * Interim 1xx responses are skipped. Immutable.
 *
 * @param status the final status code
 * @param headers header names in lower case, values in arrival order
 * @param http10 whether the provider answered HTTP/1.0 (no keep-alive unless it says so)
 */
record ResponseHead(int status, Map<String, List<String>> headers, boolean http10) {

    /** Largest header section accepted; a provider sending more is not speaking HTTP to us. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /** How the body is delimited. */
    enum Framing {
        NONE, LENGTH, CHUNKED, UNTIL_CLOSE
    }

    /** Something that fills the connection's buffer within the time allowed; false at end of stream. */
    @FunctionalInterface
    interface Filler {
        boolean fill() throws IOException;
    }

    /**
     * Reads one response head from {@code connection}, calling {@code filler} whenever the buffer
     * runs dry. Blocking. Leaves the buffer positioned at the first byte of the body.
     *
     * @throws EOFException when the connection ends before a complete head
     */
    static ResponseHead read(Http1Connection connection, Filler filler) throws IOException {
        while (true) {
            ResponseHead head = readOne(connection, filler);
            if (head.status() >= 200 || head.status() == 101) {
                return head;
            }
            // 100 Continue, 103 Early Hints: an interim answer; the real one follows
        }
    }

    private static ResponseHead readOne(Http1Connection c, Filler filler) throws IOException {
        String statusLine = line(c, filler, MAX_HEAD_BYTES);
        int used = statusLine.length() + 2;
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("provider answered with a malformed status line: " + clip(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ProtocolException("provider answered with a malformed status line: " + clip(statusLine));
        }
        Map<String, List<String>> headers = new TreeMap<>();
        while (true) {
            String line = line(c, filler, MAX_HEAD_BYTES - used);
            used += line.length() + 2;
            if (used > MAX_HEAD_BYTES) {
                throw new ProtocolException("provider sent a response head over " + MAX_HEAD_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("provider sent a malformed header line: " + clip(line));
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        return new ResponseHead(status, headers, statusLine.startsWith("HTTP/1.0"));
    }

    /**
     * One line without its CRLF (or bare LF), read as ISO-8859-1; at most {@code max} bytes.
     *
     * @throws EOFException when the connection ends first
     */
    static String line(Http1Connection c, Filler filler, int max) throws IOException {
        StringBuilder text = null;
        while (true) {
            for (int i = c.position; i < c.limit; i++) {
                if (c.buffer[i] == '\n') {
                    int end = i > c.position && c.buffer[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(c.buffer, c.position, end - c.position, StandardCharsets.ISO_8859_1);
                    c.position = i + 1;
                    if (text == null) {
                        return part;
                    }
                    text.append(part);
                    int n = text.length();
                    if (n > 0 && text.charAt(n - 1) == '\r') {
                        text.setLength(n - 1); // the CR came at the end of the previous read
                    }
                    return text.toString();
                }
            }
            if (text == null) {
                text = new StringBuilder();
            }
            text.append(new String(c.buffer, c.position, c.limit - c.position, StandardCharsets.ISO_8859_1));
            c.position = c.limit;
            if (text.length() > max) {
                throw new ProtocolException("provider sent a line over " + max + " bytes where a header or chunk size was due");
            }
            if (!filler.fill()) {
                throw new EOFException("the provider closed the connection in the middle of a response head or chunk size");
            }
        }
    }

    /** The body's framing (RFC 9112 section 6.3). */
    Framing framing() throws ProtocolException {
        if (status == 204 || status == 304 || status / 100 == 1) {
            return Framing.NONE;
        }
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null) {
            String last = encoding.getLast();
            int comma = last.lastIndexOf(',');
            String coding = (comma < 0 ? last : last.substring(comma + 1)).strip();
            return coding.equalsIgnoreCase("chunked") ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
        }
        return contentLength() >= 0 ? Framing.LENGTH : Framing.UNTIL_CLOSE;
    }

    /** The declared body length, or -1 when absent. */
    long contentLength() throws ProtocolException {
        List<String> values = headers.get("content-length");
        if (values == null) {
            return -1;
        }
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                long n;
                try {
                    n = Long.parseLong(part.strip());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("content-length: '" + clip(value) + "' (expected: a number)");
                }
                if (n < 0 || (length >= 0 && n != length)) {
                    throw new ProtocolException("content-length: '" + clip(value) + "' (expected: one non-negative number)");
                }
                length = n;
            }
        }
        return length;
    }

    /** Whether the connection may carry another request once this body was read to its end. */
    boolean keepAlive() throws ProtocolException {
        List<String> connection = headers.get("connection");
        boolean close = false;
        boolean keepAlive = false;
        if (connection != null) {
            for (String value : connection) {
                for (String token : value.split(",")) {
                    close |= token.strip().equalsIgnoreCase("close");
                    keepAlive |= token.strip().equalsIgnoreCase("keep-alive");
                }
            }
        }
        return !close && (!http10 || keepAlive) && framing() != Framing.UNTIL_CLOSE && status != 101;
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
