package dev.tally.gateway.heads;

import dev.tally.gateway.config.Integrity;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends every signed head to {@code audit.publish_heads} (a file or a URL, {@link HeadDelivery}) so
 * heads leave the machine as they are made, without ever slowing the audit writer.
 *
 * <p>The recorder's head listener calls {@link #publish} on the writer thread; it only puts the
 * head's JSON on a bounded queue ({@value #QUEUE_CAPACITY} heads) and returns. One virtual thread
 * delivers the queue in order. A failed delivery is retried, the same head first, after a backoff
 * that doubles from 1 second to 1 minute; newer heads wait behind it. When the queue is full the
 * oldest waiting head is dropped and counted: a later head covers everything an earlier one did,
 * so a dropped head loses a point in time, never coverage. Failures are counted and logged at most
 * once a minute, with how many there were since the last line; the first success after failures
 * is logged too. {@link #close} gives the queue a bounded time to drain (the closing head is among
 * the last published), then stops and logs what was left unpublished.
 *
 * <p>Thread-safe: {@link #publish} and {@link #stats} from any thread.
 */
public final class HeadPublisher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HeadPublisher.class.getName());

    /** Heads held while the destination is failing. */
    public static final int QUEUE_CAPACITY = 10_000;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** How long {@link #close()} waits for the queue to drain. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final HeadDelivery delivery;
    private final Clock clock;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final LinkedBlockingDeque<String> queue;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean retrying; // a head taken from the queue is not yet delivered
    private volatile boolean closing;
    // Touched by the delivering thread only.
    private Instant lastLogged;
    private long failuresSinceLog;
    private long failuresInRow;

    private HeadPublisher(HeadDelivery delivery, Clock clock, Duration firstBackoff, Duration maxBackoff, int capacity) {
        this.delivery = delivery;
        this.clock = clock;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.queue = new LinkedBlockingDeque<>(capacity);
        this.thread = Thread.ofVirtual().name("tally-head-publisher").unstarted(this::run);
    }

    /** Starts publishing to {@code target}. */
    public static HeadPublisher start(Integrity.HeadTarget target, Clock clock) {
        return start(HeadDelivery.of(target), clock, FIRST_BACKOFF, MAX_BACKOFF, QUEUE_CAPACITY);
    }

    /** Starts publishing with explicit backoff and capacity (tests shorten them). */
    static HeadPublisher start(HeadDelivery delivery, Clock clock, Duration firstBackoff, Duration maxBackoff, int capacity) {
        HeadPublisher publisher = new HeadPublisher(delivery, clock, firstBackoff, maxBackoff, capacity);
        publisher.thread.start();
        LOG.log(Level.INFO, "publishing signed heads to " + delivery.describe());
        return publisher;
    }

    /** Queues one head's JSON (one line, no newline); never blocks. */
    public void publish(String json) {
        while (!queue.offerLast(json)) {
            if (queue.pollFirst() != null) {
                dropped.incrementAndGet();
            }
        }
    }

    /** The counters now. */
    public PublishStats stats() {
        return new PublishStats(published.get(), failures.get(), dropped.get(), queue.size() + (retrying ? 1 : 0));
    }

    private void run() {
        try {
            while (true) {
                String head = queue.pollFirst(50, TimeUnit.MILLISECONDS);
                if (head == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                retrying = true;
                deliver(head);
                retrying = false;
            }
        } catch (InterruptedException stopped) {
            // close() ran out of time: what is left is reported there
        } finally {
            delivery.close();
        }
    }

    /** Delivers one head, retrying with backoff until it succeeds or the thread is interrupted. */
    private void deliver(String head) throws InterruptedException {
        Duration backoff = firstBackoff;
        while (true) {
            try {
                delivery.deliver(head);
                published.incrementAndGet();
                if (failuresInRow > 0) {
                    LOG.log(Level.INFO, "publishing signed heads to " + delivery.describe() + " works again after "
                            + failuresInRow + " failed attempt(s)");
                    failuresInRow = 0;
                    failuresSinceLog = 0;
                    lastLogged = null;
                }
                return;
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
            Thread.sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    private void failed(Exception e) {
        failures.incrementAndGet();
        failuresInRow++;
        failuresSinceLog++;
        Instant now = clock.instant();
        if (lastLogged == null || !now.isBefore(lastLogged.plus(LOG_EVERY))) {
            LOG.log(Level.WARNING, "publishing signed heads to " + delivery.describe() + " failed " + failuresSinceLog
                    + " time(s) since the last report (last: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); retrying, " + stats().pending()
                    + " head(s) waiting (audit.publish_heads)");
            lastLogged = now;
            failuresSinceLog = 0;
        }
    }

    /** Drains for up to {@link #DRAIN_TIMEOUT}, then stops. */
    @Override
    public void close() {
        close(DRAIN_TIMEOUT);
    }

    /** Drains for up to {@code timeout}, then stops; logs the heads left unpublished. Idempotent. */
    public void close(Duration timeout) {
        closing = true;
        try {
            if (!thread.join(timeout)) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = queue.size() + (retrying ? 1 : 0);
        if (left > 0) {
            LOG.log(Level.WARNING, left + " signed head(s) were not published to " + delivery.describe()
                    + " before shutdown; the store keeps them (tally heads)");
        }
    }
}
