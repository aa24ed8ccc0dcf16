package dev.tally.bench.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The streamed side of the benchmark's client: one keep-alive HTTP/1.1 connection (TCP_NODELAY),
 * each request written whole in one write, the chunked answer read with blocking reads on the
 * calling thread, and each {@code data:} event timed when the read that completed it returns.
 *
 * <p>Why not the JDK client here: it writes a request's headers and body separately (the body a
 * hand-off later), and hands what it reads to the caller through its selector thread. A server
 * that reads the request at once (the gateway) then waits for the body in about 1.5% of calls
 * (0.6 ms at that percentile), while a slower-dispatching one (the fake) has it by then; and the
 * hand-offs on the way back add their own jitter to both sides. This client adds neither, so
 * the difference between the sides is the gateway's. Not thread-safe: one stream at a time.
 */
final class RawStreamClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] request;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;

    /** Connects to {@code base} (an {@code http://host:port} URL) for POSTs of {@code body} to {@code path}. */
    RawStreamClient(String base, String path, String key, String body) throws IOException {
        URI uri = URI.create(base);
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nhost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\ncontent-type: application/json\r\nauthorization: Bearer " + key
                + "\r\naccept: text/event-stream\r\ncontent-length: " + content.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        request = new byte[head.length + content.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(content, 0, request, head.length, content.length);
    }

    /**
     * Sends one streamed request and returns, for each {@code data:} event, the nanoseconds from
     * {@code sent} (a {@link System#nanoTime()} value) to its arrival; exactly {@code events} entries.
     */
    long[] stream(long sent, int events) throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("status line: " + status + " (expected: HTTP/1.1 200)");
        }
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (header.regionMatches(true, 0, "transfer-encoding:", 0, 18) && header.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            throw new IOException("response: not chunked (expected: transfer-encoding: chunked)");
        }
        long[] arrivals = new long[events];
        int n = 0;
        // the events' lines, across chunk boundaries
        StringBuilder pending = new StringBuilder();
        while (true) {
            int size = Integer.parseInt(line().strip(), 16);
            if (size == 0) {
                line(); // the empty line after the last chunk (no trailers)
                break;
            }
            int left = size;
            while (left > 0) {
                if (position == limit) {
                    fill();
                }
                int take = Math.min(left, limit - position);
                pending.append(new String(buffer, position, take, StandardCharsets.UTF_8));
                position += take;
                left -= take;
                long now = System.nanoTime();
                int end;
                while ((end = pending.indexOf("\n")) >= 0) {
                    if (end >= 5 && "data:".contentEquals(pending.subSequence(0, 5))) {
                        if (n == events) {
                            throw new IOException("stream: more than " + events + " data events");
                        }
                        arrivals[n++] = now - sent;
                    }
                    pending.delete(0, end + 1);
                }
            }
            line(); // the CRLF after the chunk's data
        }
        if (n != events) {
            throw new IOException("stream: " + n + " data events (expected: " + events + ")");
        }
        return arrivals;
    }

    /** One CRLF-terminated line of the response head or the chunk framing, without its CRLF. */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (position == limit) {
                fill();
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) b);
        }
    }

    private void fill() throws IOException {
        int got = in.read(buffer, 0, buffer.length);
        if (got < 0) {
            throw new IOException("the server closed the connection mid-answer");
        }
        position = 0;
        limit = got;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
