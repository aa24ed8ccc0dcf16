package dev.tally.gateway.stream;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.gateway.upstream.UpstreamTimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Passes a provider's event stream to the client while learning from it what the audit record
 * needs.
 *
 * <h2>Design</h2>
 *
 * <p><b>Event by event, never buffered.</b> The tee reads one complete event from the provider
 * ({@link SseReader}), shows it to the protocol's {@link StreamObserver}, writes its exact bytes
 * to the client and flushes, then reads the next. Nothing is held back to be inspected later:
 * the only state kept is what the record needs (usage numbers, tool names, the generated text
 * for a local token count should the stream be cut). A client therefore sees each token as soon
 * as the provider sends it, and the added latency is one parse of a small JSON object. Flushing
 * per event matters as much as not buffering: together with TCP_NODELAY on both sockets it is
 * what keeps the classic 40 ms Nagle/delayed-ACK stall away from every event.
 *
 * <p><b>One thread, blocking.</b> The tee runs on the call's virtual thread. Reads block with the
 * provider's idle and total timeouts (see {@code Http1Response}, which reads the provider's socket
 * on this same thread, or {@code DeadlineBody} for the JDK client); writes block on the client's
 * socket, which gives natural back-pressure: a slow client slows the reads, and because the body
 * is read one buffer at a time the provider's bytes are not piled up in memory.
 *
 * <p><b>Few edits.</b> The tee forwards every event unchanged except: when the gateway
 * added {@code stream_options.include_usage} for its own bookkeeping, the extra usage chunk
 * ({@code "choices":[]}) is read and then not forwarded, so the client sees exactly the stream
 * it asked for; and an {@link Edit}, when given, may put bytes before the protocol's final event
 * (the cost comment) or change the event that carries the usage ({@code usage.cost}). Events
 * that are neither pass through without any extra work.
 *
 * <p><b>Every way a stream can end is a value</b> ({@link TeeEnd}), decided here and nowhere
 * else, so the record's status follows from it:
 * <ul>
 *   <li>the protocol's proper end ({@code [DONE]}, {@code message_stop}, a terminal
 *       {@code response.*} event) followed by the end of the body: {@link TeeEnd.Completed};
 *   <li>an error event from the provider: forwarded, then {@link TeeEnd.ProviderFailed};
 *   <li>the body ends early, breaks, or a timeout passes: {@link TeeEnd.BrokeOff} — the caller
 *       ends the client's stream with a protocol-correct error event;
 *   <li>a write to the client fails: {@link TeeEnd.ClientGone} — returned at once so the caller
 *       cancels the upstream exchange immediately instead of paying for tokens nobody reads.
 * </ul>
 * Writing to a socket whose peer has gone may still succeed once or twice (the kernel buffers
 * it), so a disconnect is noticed at the next event or two, never later.
 *
 * <p>Not thread-safe: one tee per stream, used by one thread. {@link #run()} returns when the
 * stream ended in one of the ways above; the caller closes the upstream response.
 */
public final class SseTee {

    /** What the client gets instead of an event's exact bytes; asked only for final and usage events. */
    @FunctionalInterface
    public interface Edit {
        /** The bytes to write for {@code event}, which {@code seen} says is final or carries usage. */
        byte[] bytes(SseEvent event, StreamObserver.Seen seen);
    }

    private final SseReader upstream;
    private final OutputStream client;
    private final StreamObserver observer;
    private final Edit edit;
    private long forwardedBytes;
    private long firstContentNanos;
    private int events;

    public SseTee(SseReader upstream, OutputStream client, StreamObserver observer) {
        this(upstream, client, observer, null);
    }

    /** With {@code edit} (or null for none) asked for each final or usage event. */
    public SseTee(SseReader upstream, OutputStream client, StreamObserver observer, Edit edit) {
        this.upstream = upstream;
        this.client = client;
        this.observer = observer;
        this.edit = edit;
    }

    /** Relays until the stream ends; see the class description for the possible ends. */
    public TeeEnd run() {
        while (true) {
            SseEvent event;
            try {
                event = upstream.next();
            } catch (UpstreamTimeoutException e) {
                return new TeeEnd.BrokeOff(ErrorCode.UPSTREAM_TIMEOUT, e.getMessage());
            } catch (IOException e) {
                return new TeeEnd.BrokeOff(ErrorCode.UPSTREAM_BROKEN, "the provider's stream broke: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
            if (event == null) {
                if (observer.error() != null) {
                    return new TeeEnd.ProviderFailed(observer.error());
                }
                if (observer.completed()) {
                    return new TeeEnd.Completed();
                }
                return new TeeEnd.BrokeOff(ErrorCode.STREAM_TRUNCATED, "the provider closed the stream before its end after "
                        + events + " events");
            }
            events++;
            StreamObserver.Seen seen = observer.observe(event);
            if (!seen.forward()) {
                continue;
            }
            byte[] bytes = edit != null && (seen.last() || seen.usage()) ? edit.bytes(event, seen) : event.raw();
            try {
                client.write(bytes);
                client.flush();
            } catch (IOException | UncheckedIOException gone) {
                return new TeeEnd.ClientGone();
            }
            forwardedBytes += bytes.length;
            if (seen.content() && firstContentNanos == 0) {
                firstContentNanos = System.nanoTime();
            }
        }
    }

    /** Bytes written to the client. */
    public long forwardedBytes() {
        return forwardedBytes;
    }

    /** {@link System#nanoTime()} when the first content reached the client, or 0 if none did. */
    public long firstContentNanos() {
        return firstContentNanos;
    }

    public StreamObserver observer() {
        return observer;
    }
}
