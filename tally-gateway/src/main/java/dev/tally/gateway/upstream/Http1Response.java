package dev.tally.gateway.upstream;

import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider's HTTP/1.1 answer on an {@link Http1Connection}: the head already read, the body
 * decoded as it is read (content-length, chunked, or up to the connection's end) straight from
 * the socket on the reading thread. Reads honour the idle timeout (longest silence between two
 * reads) and the total deadline exactly as {@link DeadlineBody} does for the JDK client.
 *
 * <p>The connection goes back to the pool the moment the body has been read to its end (and the
 * provider allowed keep-alive); {@link #close()} before that closes the TCP connection at once,
 * which also wakes a reader blocked in another thread. Which of the two happens is decided once
 * ({@code state}), so a connection handed back to the pool is never closed under its next user.
 *
 * <p>Not thread-safe: one reader; {@link #close()} may be called from any thread.
 */
final class Http1Response extends InputStream implements UpstreamResponse {

    private static final int OPEN = 0;
    private static final int RELEASED = 1;
    private static final int CLOSED = 2;
    /** Longest chunk-size or trailer line accepted. */
    private static final int MAX_LINE = 8 * 1024;

    private final Http1Connection connection;
    private final ResponseHead head;
    private final ResponseHead.Framing framing;
    private final boolean keepAlive;
    private final Consumer<Http1Connection> release;
    private final long idleNanos;
    private final long deadlineNanos;
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private long remaining; // LENGTH: body bytes left; CHUNKED: bytes left in the current chunk
    private boolean firstChunk = true;
    private boolean ended; // reader thread only

    Http1Response(Http1Connection connection, ResponseHead head, Consumer<Http1Connection> release, Duration idle,
            long deadlineNanos) throws ProtocolException {
        this.connection = connection;
        this.head = head;
        this.framing = head.framing();
        this.keepAlive = head.keepAlive();
        this.release = release;
        this.idleNanos = idle.toNanos();
        this.deadlineNanos = deadlineNanos;
        this.remaining = framing == ResponseHead.Framing.LENGTH ? head.contentLength() : 0;
    }

    @Override
    public int status() {
        return head.status();
    }

    @Override
    public Map<String, List<String>> headers() {
        return head.headers();
    }

    @Override
    public InputStream body() {
        return this;
    }

    /** With a content-length the body is read into an array of exactly that size. */
    @Override
    public byte[] readAll() throws IOException {
        if (framing == ResponseHead.Framing.LENGTH && remaining <= Integer.MAX_VALUE - 8 && !ended) {
            byte[] all = new byte[(int) remaining];
            int n = 0;
            while (n < all.length) {
                int r = read(all, n, all.length - n);
                if (r < 0) {
                    return Arrays.copyOf(all, n);
                }
                n += r;
            }
            if (!ended) {
                end(); // an empty body: nothing was read, so nothing has handed the connection back yet
            }
            return all;
        }
        return readAllBytes();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        if (state.get() == CLOSED) {
            throw new IOException("upstream body closed");
        }
        return switch (framing) {
            case NONE -> end();
            case LENGTH -> readLength(target, offset, length);
            case CHUNKED -> readChunked(target, offset, length);
            case UNTIL_CLOSE -> readUntilClose(target, offset, length);
        };
    }

    private int readLength(byte[] target, int offset, int length) throws IOException {
        if (remaining == 0) {
            return end();
        }
        if (!buffered()) {
            throw new EOFException("the provider closed the connection with " + remaining + " bytes of its answer missing");
        }
        int n = copy(target, offset, (int) Math.min(length, remaining));
        remaining -= n;
        if (remaining == 0) {
            end(); // back to the pool now; the caller's next read returns -1
        }
        return n;
    }

    private int readChunked(byte[] target, int offset, int length) throws IOException {
        if (remaining == 0) {
            if (!firstChunk && !ResponseHead.line(connection, this::fill, MAX_LINE).isEmpty()) {
                throw new ProtocolException("provider sent a chunk longer than its declared size");
            }
            firstChunk = false;
            String sizeLine = ResponseHead.line(connection, this::fill, MAX_LINE);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("provider sent a malformed chunk size: '" + hex + "'");
            }
            if (size < 0) {
                throw new ProtocolException("provider sent a negative chunk size: '" + hex + "'");
            }
            if (size == 0) {
                while (!ResponseHead.line(connection, this::fill, MAX_LINE).isEmpty()) {
                    // trailer fields: nothing in them matters here
                }
                return end();
            }
            remaining = size;
        }
        if (!buffered()) {
            throw new EOFException("the provider closed the connection inside a chunk");
        }
        int n = copy(target, offset, (int) Math.min(length, remaining));
        remaining -= n;
        return n;
    }

    private int readUntilClose(byte[] target, int offset, int length) throws IOException {
        if (!buffered()) {
            return end();
        }
        return copy(target, offset, length);
    }

    /** Whether buffered bytes are there to copy, reading once from the socket if needed. */
    private boolean buffered() throws IOException {
        return connection.position < connection.limit || fill();
    }

    private int copy(byte[] target, int offset, int length) {
        int n = Math.min(length, connection.limit - connection.position);
        System.arraycopy(connection.buffer, connection.position, target, offset, n);
        connection.position += n;
        return n;
    }

    /** Reads once from the socket within the idle timeout and the total deadline; false at its end. */
    boolean fill() throws IOException {
        long untilDeadline = deadlineNanos - System.nanoTime();
        long wait = Math.min(idleNanos, untilDeadline);
        if (wait <= 0) {
            throw timeout(untilDeadline <= idleNanos);
        }
        try {
            return connection.fill(wait);
        } catch (SocketTimeoutException e) {
            throw timeout(untilDeadline <= idleNanos);
        } catch (ClosedByInterruptException e) {
            close();
            throw new InterruptedIOException("interrupted while reading the provider's answer");
        } catch (IOException e) {
            if (state.get() == CLOSED) {
                throw new IOException("upstream body closed");
            }
            close();
            throw e;
        }
    }

    private UpstreamTimeoutException timeout(boolean total) {
        close();
        return new UpstreamTimeoutException(total ? Which.TOTAL : Which.IDLE, total
                ? "the provider did not finish within the total timeout"
                : "the provider sent nothing for " + Duration.ofNanos(idleNanos).toMillis() + " ms (idle timeout)");
    }

    /** The body is complete: the connection goes back to the pool, or is closed if it cannot be reused. */
    private int end() {
        ended = true;
        if (keepAlive && connection.position == connection.limit) {
            if (state.compareAndSet(OPEN, RELEASED)) {
                release.accept(connection);
            }
        } else if (state.compareAndSet(OPEN, CLOSED)) {
            connection.abort();
        }
        return -1;
    }

    /** Stops the exchange at once unless the body was already read to its end; idempotent, never throws. */
    @Override
    public void close() {
        if (state.compareAndSet(OPEN, CLOSED)) {
            connection.abort();
        }
    }
}
