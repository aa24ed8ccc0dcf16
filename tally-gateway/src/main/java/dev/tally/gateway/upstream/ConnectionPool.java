package dev.tally.gateway.upstream;

import dev.tally.gateway.upstream.Http1Connection.Origin;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections per origin, most recently used first (a warm connection is the
 * likeliest to still be open at the provider). A connection taken from the pool is checked first
 * ({@link Http1Connection#looksReusable()}): one the provider closed while it sat idle is
 * dropped, not handed out. Connections idle longer than {@code maxIdle} are dropped when met;
 * at most {@code maxIdlePerOrigin} are kept per origin, extra ones are closed on release.
 *
 * <p>Thread-safe and lock-free; no background thread.
 */
final class ConnectionPool implements AutoCloseable {

    private record Idle(ConcurrentLinkedDeque<Http1Connection> connections, AtomicInteger size) {
    }

    private final Map<Origin, Idle> idle = new ConcurrentHashMap<>();
    private final long maxIdleNanos;
    private final int maxIdlePerOrigin;
    private volatile boolean closed;

    ConnectionPool(Duration maxIdle, int maxIdlePerOrigin) {
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxIdlePerOrigin = maxIdlePerOrigin;
    }

    /** An open idle connection to {@code origin}, or null when there is none. */
    Http1Connection take(Origin origin) {
        Idle pool = idle.get(origin);
        if (pool == null) {
            return null;
        }
        while (true) {
            Http1Connection c = pool.connections().pollFirst();
            if (c == null) {
                return null;
            }
            pool.size().decrementAndGet();
            if (System.nanoTime() - c.idleSince > maxIdleNanos) {
                c.abort();
                continue;
            }
            if (c.looksReusable()) {
                return c;
            }
        }
    }

    /** Takes back a connection whose last answer was read to its end. */
    void release(Http1Connection c) {
        if (closed || !c.isOpen()) {
            c.abort();
            return;
        }
        Idle pool = idle.computeIfAbsent(c.origin, o -> new Idle(new ConcurrentLinkedDeque<>(), new AtomicInteger()));
        if (pool.size().incrementAndGet() > maxIdlePerOrigin) {
            pool.size().decrementAndGet();
            c.abort();
            return;
        }
        c.idleSince = System.nanoTime();
        pool.connections().offerFirst(c);
        if (closed) {
            drain(); // raced with close()
        }
    }

    /** Idle connections to {@code origin} (for tests and metrics). */
    int idleCount(Origin origin) {
        Idle pool = idle.get(origin);
        return pool == null ? 0 : pool.connections().size();
    }

    /** Closes every idle connection; connections released later are closed at once. */
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        for (Idle pool : idle.values()) {
            for (Http1Connection c; (c = pool.connections().pollFirst()) != null; ) {
                pool.size().decrementAndGet();
                c.abort();
            }
        }
    }
}
