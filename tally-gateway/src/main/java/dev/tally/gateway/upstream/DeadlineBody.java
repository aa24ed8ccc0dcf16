package dev.tally.gateway.upstream;

import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as a blocking {@link InputStream} whose reads honour the idle timeout
 * (longest silence between two chunks) and the total deadline of the exchange.
 *
 * <p>Why not {@code BodyHandlers.ofInputStream()}: its reads block with no timeout, and closing
 * it from another thread is not guaranteed to wake a blocked reader. Here the reader waits on a
 * queue with a timeout, and {@link #close()} both cancels the HTTP exchange and wakes the reader.
 * One chunk is requested at a time (flow control), so a slow client never makes the gateway
 * buffer a fast provider's whole answer.
 *
 * <p>Thread-safety: the HTTP client's thread calls the subscriber methods, one reader thread
 * calls {@code read}, any thread may call {@code close}.
 */
final class DeadlineBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final long idleNanos;
    private final long deadlineNanos;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private Iterator<ByteBuffer> buffers; // reader thread only
    private ByteBuffer current; // reader thread only
    private boolean ended; // reader thread only

    DeadlineBody(Duration idle, long deadlineNanos) {
        this.idleNanos = idle.toNanos();
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable error) {
        queue.add(error);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
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
        while (true) {
            if (closed) {
                throw new IOException("upstream body closed");
            }
            if (current != null && current.hasRemaining()) {
                int n = Math.min(length, current.remaining());
                current.get(target, offset, n);
                return n;
            }
            if (buffers != null && buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended) {
                return -1;
            }
            Object item = next();
            if (item == END) {
                ended = true;
                return -1;
            }
            if (item == CLOSED) {
                throw new IOException("upstream body closed");
            }
            if (item instanceof Throwable error) {
                ended = true;
                throw error instanceof IOException io ? io : new IOException(error.getMessage(), error);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) item;
            buffers = list.iterator();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }
    }

    private Object next() throws IOException {
        long now = System.nanoTime();
        long untilDeadline = deadlineNanos - now;
        long wait = Math.min(idleNanos, untilDeadline);
        Object item = null;
        if (wait > 0) {
            try {
                item = queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted while reading the provider's answer");
            }
        }
        if (item == null) {
            close();
            boolean total = untilDeadline <= idleNanos;
            throw new UpstreamTimeoutException(total ? Which.TOTAL : Which.IDLE, total
                    ? "the provider did not finish within the total timeout"
                    : "the provider sent nothing for " + Duration.ofNanos(idleNanos).toMillis() + " ms (idle timeout)");
        }
        return item;
    }

    /** Cancels the exchange and wakes a blocked reader; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        queue.offer(CLOSED);
    }
}
