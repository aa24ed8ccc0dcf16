package dev.tally.gateway.upstream;

import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.upstream.Http1Connection.Origin;
import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * {@link UpstreamClient} speaking HTTP/1.1 over pooled keep-alive sockets (plain, or TLS through
 * an {@link javax.net.ssl.SSLSocket}), used from the calling virtual thread with no thread hop.
 *
 * <p>Why it exists: measured with {@code bench/gateway}, the JDK {@code HttpClient} spent most of
 * the gateway's own CPU per call on its selector thread, executor hand-offs and
 * {@code CompletableFuture} plumbing, and each streamed chunk crossed two threads before the
 * tee saw it. Here the call's thread writes the request and reads the answer from the socket
 * itself: the request head and body go out in one write (TCP_NODELAY on), the answer's head is
 * parsed from the connection's buffer, and the body is decoded as it is read.
 *
 * <p>Timeouts, as the JDK client honoured them: {@code connect} (TCP connect and TLS handshake),
 * {@code first_byte} (until the answer's head has arrived, counted from the send), then
 * {@code idle} between two reads and the {@code total} deadline of the exchange (see
 * {@link Http1Response}). {@link UpstreamResponse#close()} closes the TCP connection at once.
 *
 * <p>Reuse: a connection goes back to the pool when its answer was read to the end and the
 * provider allowed keep-alive. A pooled connection is checked before use; if it still turns out
 * broken while the request is being written, the request is sent once more on a new connection
 * (a request that could not be written whole was not processed). A connection that fails after
 * the request was written is never retried here: the provider may have acted on it, and the
 * decision to try again belongs to {@link UpstreamCaller}'s retry policy.
 *
 * <p>Thread-safe.
 */
public final class SocketUpstreamClient implements UpstreamClient {

    /** Idle connections older than this are not reused (below common server keep-alive limits). */
    static final Duration MAX_IDLE = Duration.ofSeconds(50);
    /** Idle connections kept per origin. */
    static final int MAX_IDLE_PER_ORIGIN = 256;

    /**
     * How long a call on a quiet gateway polls for the provider's answer before it blocks
     * ({@link Http1Connection#awaitReadable}).
     */
    static final Duration HEAD_SPIN = Duration.ofNanos(100_000);

    private final ConnectionPool pool;
    /** Calls between their request written and their answer's head read. */
    private final AtomicInteger awaitingHeads = new AtomicInteger();
    private final SSLContext tls; // null: the JVM's default, made on the first https connection
    private final Map<URI, Route> routes = new ConcurrentHashMap<>();

    /** A client trusting the JVM's default certificate authorities. */
    public SocketUpstreamClient() {
        this(null, MAX_IDLE, MAX_IDLE_PER_ORIGIN);
    }

    /** A client using {@code tls} for https providers (tests pass one trusting their own certificate). */
    public SocketUpstreamClient(SSLContext tls) {
        this(tls, MAX_IDLE, MAX_IDLE_PER_ORIGIN);
    }

    SocketUpstreamClient(SSLContext tls, Duration maxIdle, int maxIdlePerOrigin) {
        this.tls = tls;
        this.pool = new ConnectionPool(maxIdle, maxIdlePerOrigin);
    }

    /**
     * The JVM's default TLS context, made when first needed: reading the trust store (parsing
     * some 150 certificates) took 0.1-0.3 s, which a gateway start paid before {@code /health}
     * answered although only an https provider's first connection needs it.
     */
    private static final class DefaultTls {
        static final SSLContext CONTEXT = defaultTls();

        private static SSLContext defaultTls() {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no default TLS context", e);
            }
        }
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) throws IOException, InterruptedException {
        Provider provider = request.provider();
        Route route = routes.computeIfAbsent(provider.baseUrl(), Route::of);
        long start = System.nanoTime();
        long deadline = start + provider.timeouts().total().toNanos();
        byte[] head = RequestHead.of(route, request);
        Http1Connection connection = pool.take(route.origin());
        try {
            if (connection == null) {
                connection = connect(route.origin(), provider);
                connection.write(head, request.body());
            } else {
                try {
                    connection.write(head, request.body());
                } catch (IOException brokenWhileWriting) {
                    connection.abort();
                    if (Thread.currentThread().isInterrupted()) {
                        throw brokenWhileWriting;
                    }
                    connection = connect(route.origin(), provider);
                    connection.write(head, request.body());
                }
            }
            ResponseHead responseHead;
            try {
                if (awaitingHeads.incrementAndGet() == 1) {
                    connection.awaitReadable(HEAD_SPIN.toNanos());
                }
                responseHead = readHead(connection, provider, start, deadline);
            } finally {
                awaitingHeads.decrementAndGet();
            }
            return new Http1Response(connection, responseHead, pool::release, provider.timeouts().idle(), deadline);
        } catch (ClosedByInterruptException e) {
            abort(connection);
            Thread.currentThread().interrupt();
            throw new InterruptedException("interrupted while calling provider " + provider.name());
        } catch (IOException | RuntimeException e) {
            abort(connection);
            throw e;
        }
    }

    private static void abort(Http1Connection connection) {
        if (connection != null) {
            connection.abort();
        }
    }

    private static Http1Connection connect(Origin origin, Provider provider, SSLContext tls) throws IOException {
        try {
            return Http1Connection.open(origin, provider.timeouts().connect(), tls);
        } catch (SocketTimeoutException e) {
            throw new UpstreamTimeoutException(Which.CONNECT, "could not connect to provider " + provider.name()
                    + " within " + provider.timeouts().connect().toMillis() + " ms (connect timeout)");
        }
    }

    private Http1Connection connect(Origin origin, Provider provider) throws IOException {
        return connect(origin, provider, !origin.tls() || tls != null ? tls : DefaultTls.CONTEXT);
    }

    /** The answer's head, within the first-byte timeout (counted from the send) and the total deadline. */
    private static ResponseHead readHead(Http1Connection connection, Provider provider, long start, long deadline)
            throws IOException {
        long firstByte = start + provider.timeouts().firstByte().toNanos();
        boolean totalFirst = deadline - firstByte < 0;
        long until = totalFirst ? deadline : firstByte;
        return ResponseHead.read(connection, () -> {
            long wait = until - System.nanoTime();
            if (wait > 0) {
                try {
                    return connection.fill(wait);
                } catch (SocketTimeoutException e) {
                    // fall through to the timeout below
                }
            }
            throw totalFirst
                    ? new UpstreamTimeoutException(Which.TOTAL, "the provider did not finish within the total timeout")
                    : new UpstreamTimeoutException(Which.FIRST_BYTE, "provider " + provider.name() + " sent no answer within "
                            + provider.timeouts().firstByte().toMillis() + " ms (first_byte timeout)");
        });
    }

    /** Idle pooled connections to {@code baseUrl}'s origin (for tests). */
    int idleConnections(URI baseUrl) {
        return pool.idleCount(Route.of(baseUrl).origin());
    }

    /** Closes idle connections; answers still being read keep their connection until closed. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Where a provider's requests go: its origin, the path prefix of its base URL and the
     * {@code host} header, computed once per base URL.
     */
    record Route(Origin origin, String pathPrefix, byte[] hostHeader) {

        static Route of(URI base) {
            String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(java.util.Locale.ROOT);
            boolean tls = switch (scheme) {
                case "https" -> true;
                case "http" -> false;
                default -> throw new IllegalArgumentException("base_url: '" + base + "' (expected: an http or https URL)");
            };
            String host = base.getHost();
            if (host == null) {
                throw new IllegalArgumentException("base_url: '" + base + "' (expected: a URL with a host)");
            }
            int port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
            boolean defaultPort = port == (tls ? 443 : 80);
            String hostForHeader = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            String hostHeader = "host: " + hostForHeader + (defaultPort ? "" : ":" + port) + "\r\n";
            String path = base.getRawPath() == null ? "" : base.getRawPath();
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return new Route(new Origin(tls, bareHost, port), path, hostHeader.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
