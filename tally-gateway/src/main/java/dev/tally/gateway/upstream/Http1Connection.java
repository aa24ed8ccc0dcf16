package dev.tally.gateway.upstream;

import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection to a provider, plain or TLS, with its read buffer.
 *
 * <p>The socket is a blocking {@link SocketChannel} (TCP_NODELAY on), wrapped in an
 * {@link SSLSocket} for https. Keeping the raw channel at hand gives two things the plain socket
 * API does not: {@link #abort()} closes the TCP connection itself, which wakes a reader blocked
 * in another thread at once (closing an SSLSocket from another thread could wait for its locks
 * or try to send close_notify), and {@link #looksReusable()} can peek without blocking whether
 * the provider closed an idle pooled connection.
 *
 * <p>Not thread-safe: one exchange at a time uses it; only {@link #abort()} may be called from
 * another thread.
 */
final class Http1Connection {

    /** Read buffer per connection: a typical answer or event fits, and 1,000 open streams hold 8 MB. */
    private static final int BUFFER_SIZE = 8 * 1024;
    /** A request up to this size goes out in one write (one TCP segment train, one syscall). */
    private static final int ONE_WRITE_LIMIT = 64 * 1024;

    final Origin origin;
    private final SocketChannel channel;
    private final Socket socket;
    private final InputStream in;
    /** The TCP stream under {@link #in} (the same for plain http): what {@link #awaitReadable} asks. */
    private final InputStream rawIn;
    private final OutputStream out;
    /** Bytes read from the socket and not yet consumed: {@code buffer[position, limit)}. */
    final byte[] buffer = new byte[BUFFER_SIZE];
    int position;
    int limit;
    /** {@link System#nanoTime()} when the connection went back to the pool. */
    long idleSince;
    /** Set by {@link ReadDeadlines} before it closes a read that passed its deadline. */
    private volatile boolean timedOut;

    private Http1Connection(Origin origin, SocketChannel channel, Socket socket) throws IOException {
        this.origin = origin;
        this.channel = channel;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.rawIn = channel.socket().getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects (and for https completes the TLS handshake) within {@code timeout}. Blocking.
     *
     * @throws UpstreamTimeoutException ({@code CONNECT}) when the timeout passes
     * @throws java.net.ConnectException when the provider refuses the connection
     */
    static Http1Connection open(Origin origin, Duration timeout, SSLContext tls) throws IOException {
        SocketChannel channel = SocketChannel.open();
        boolean ok = false;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            Socket raw = channel.socket();
            try {
                raw.connect(new InetSocketAddress(origin.host(), origin.port()), millis);
            } catch (SocketTimeoutException e) {
                throw connectTimeout(origin, timeout);
            }
            Socket socket = raw;
            if (origin.tls()) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, origin.host(), origin.port(), true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setApplicationProtocols(new String[] {"http/1.1"});
                ssl.setSSLParameters(parameters);
                ssl.setSoTimeout(millis);
                try {
                    ssl.startHandshake();
                } catch (SocketTimeoutException e) {
                    throw connectTimeout(origin, timeout);
                }
                ssl.setSoTimeout(0); // reads are bounded by ReadDeadlines, not by the socket
                socket = ssl;
            }
            Http1Connection connection = new Http1Connection(origin, channel, socket);
            ok = true;
            return connection;
        } finally {
            if (!ok) {
                channel.close();
            }
        }
    }

    private static UpstreamTimeoutException connectTimeout(Origin origin, Duration timeout) {
        return new UpstreamTimeoutException(Which.CONNECT, "could not connect to " + origin.host() + ":" + origin.port()
                + " within " + timeout.toMillis() + " ms (connect timeout)");
    }

    /** Writes the request head and body, in one write when they are small. Blocking. */
    void write(byte[] head, byte[] body) throws IOException {
        if (head.length + body.length <= ONE_WRITE_LIMIT) {
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            out.write(all);
        } else {
            out.write(head);
            out.write(body);
        }
        out.flush();
    }

    /**
     * Reads more bytes into the buffer (it must be fully consumed), waiting at most
     * {@code waitNanos}. Returns false at the end of the stream.
     *
     * <p>The socket itself has no read timeout: {@link ReadDeadlines} closes the connection if
     * the read is still waiting at its deadline (at most one tick late), and the read then ends
     * here as a timeout.
     *
     * @throws SocketTimeoutException when nothing arrived in time (the connection is closed)
     */
    boolean fill(long waitNanos) throws IOException {
        ReadDeadlines.SHARED.watch(this, System.nanoTime() + waitNanos);
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (IOException e) {
            if (timedOut) {
                throw new SocketTimeoutException("nothing arrived within " + waitNanos / 1_000_000 + " ms");
            }
            throw e;
        } finally {
            ReadDeadlines.SHARED.unwatch(this);
        }
        if (timedOut) {
            // the deadline passed as the bytes came: the connection is closed under them already
            throw new SocketTimeoutException("nothing arrived within " + waitNanos / 1_000_000 + " ms");
        }
        if (n < 0) {
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /**
     * Polls, for at most {@code spinNanos}, whether bytes have arrived, giving the carrier to
     * other virtual threads between two polls; returns as soon as some have (or the connection
     * failed). Each poll asks the kernel how many bytes wait ({@code FIONREAD}) without
     * blocking or switching the socket's mode.
     *
     * <p>Why: a read that blocks parks the call's virtual thread, and the answer's arrival then
     * costs two thread wake-ups (the socket poller's, then a carrier's) before the call runs
     * again. On a quiet gateway in front of a provider that answers within the spin, polling
     * skips both (see bench/README.md, "Sixth pass"). Only for the answer's head, and only when
     * no other call waits for one ({@link SocketUpstreamClient}), so a busy gateway never spins.
     */
    void awaitReadable(long spinNanos) {
        if (position < limit) {
            return;
        }
        long until = System.nanoTime() + spinNanos;
        try {
            while (rawIn.available() == 0 && System.nanoTime() - until < 0) {
                Thread.yield();
            }
        } catch (IOException e) {
            // the read that follows meets the same failure and reports it
        }
    }

    /** The read in progress passed its deadline: marks it timed out and closes the connection. */
    void timeOut() {
        timedOut = true;
        abort();
    }

    /**
     * Whether an idle pooled connection can carry another request: the provider has not closed
     * it and sent nothing unasked (a peek without blocking). A connection found unusable is closed.
     */
    boolean looksReusable() {
        if (!channel.isOpen() || position != limit) {
            abort();
            return false;
        }
        try {
            synchronized (channel.blockingLock()) {
                channel.configureBlocking(false);
                int n;
                try {
                    n = channel.read(ByteBuffer.allocate(1));
                } finally {
                    channel.configureBlocking(true);
                }
                if (n == 0) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed by the peer or unusable: fall through and close it
        }
        abort();
        return false;
    }

    /** Closes the TCP connection at once (no TLS close_notify); wakes a blocked reader. Idempotent. */
    void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more can be done with a socket that fails to close
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Where a connection goes: scheme, host and port (the pool's key). */
    record Origin(boolean tls, String host, int port) {
    }
}
