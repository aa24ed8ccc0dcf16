package dev.tally.gateway.proxy;

import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.stream.SseEvent;
import dev.tally.gateway.stream.SseReader;
import dev.tally.gateway.stream.SseTee;
import dev.tally.gateway.stream.StreamObserver;
import dev.tally.gateway.stream.TeeEnd;
import dev.tally.gateway.upstream.Attempt;
import dev.tally.gateway.upstream.UpstreamResponse;
import dev.tally.gateway.usage.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Relays a streamed answer through an {@link SseTee} and turns the way it ended into its outcome:
 * completed (usage as reported, estimated where the provider left a gap), provider error event
 * (error, partial usage), break-off or timeout (error, partial usage, and a protocol-correct
 * error event ends the client's stream), or client gone (the upstream is closed at once;
 * {@code cancelled} with the output counted so far, {@code usage_source: estimated}). The client
 * already has a 200 when any of this is known, so the record's {@code http_status} is 200.
 * The end of the client's response is left to the outcome's {@link Reply}, so it is completed
 * only once the record is handed over (in sync mode: durable).
 *
 * <p>When the key returns costs ({@link CostOut}), the stream's usage is resolved and priced as
 * the final event passes, and a {@code : tally {…}} comment line goes out right before it (or
 * before the gateway's own error event when the provider broke off); the record then keeps
 * exactly that usage and cost. With {@code x-tally-include-cost: body} the event carrying the
 * usage also gets {@code usage.cost}. Not thread-safe: one per call.
 */
final class StreamRelay {

    private final Endpoint endpoint;
    private final TokenEstimator estimator;
    private final ClientRequest request;
    private final Attempt.Answered answered;
    private final long upstreamStart;
    private final long callStart;
    private final boolean keepAnswer;
    private final CostOut costOut;
    private StreamObserver observer;
    /** What the client was told, once it was (the record keeps exactly this), or null. */
    private Priced told;
    private boolean commented;

    /** A usage, where it came from, and its price. */
    private record Priced(TokenUsage usage, UsageSource source, Cost cost) {
    }

    /**
     * @param callStart the call's monotonic start, for the time to first token
     * @param keepAnswer whether the answer's text is assembled for a kept payload
     */
    StreamRelay(Endpoint endpoint, TokenEstimator estimator, ClientRequest request, Attempt.Answered answered,
            long upstreamStart, long callStart, boolean keepAnswer, CostOut costOut) {
        this.costOut = costOut;
        this.endpoint = endpoint;
        this.estimator = estimator;
        this.request = request;
        this.answered = answered;
        this.upstreamStart = upstreamStart;
        this.callStart = callStart;
        this.keepAnswer = keepAnswer;
    }

    /** Returns once the stream ended, with the client's response still open (closed by the outcome's reply). */
    RelayOutcome relay(ServerResponse res) {
        UpstreamResponse upstream = answered.response();
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        OutputStream out = ClientOutput.events(res); // the client has the headers while the first event is on its way
        StreamObserver observer = StreamObserver.of(endpoint, request.usageChunkHidden());
        this.observer = observer;
        SseTee tee = new SseTee(new SseReader(upstream.body()), out, observer, costOut.on() ? this::edit : null);
        TeeEnd end;
        try {
            end = tee.run();
        } finally {
            upstream.close(); // at once: on a client disconnect this stops the provider's generation
        }
        long upstreamMs = (System.nanoTime() - upstreamStart) / 1_000_000;
        Long ttftMs = tee.firstContentNanos() == 0 ? null : (tee.firstContentNanos() - callStart) / 1_000_000;
        long written = tee.forwardedBytes();
        boolean cancelled = end instanceof TeeEnd.ClientGone;
        CallEnd callEnd = switch (end) {
            case TeeEnd.Completed ignored -> new CallEnd.Completed(200);
            case TeeEnd.ProviderFailed failed -> new CallEnd.Failed(200, failed.error().code(),
                    ProviderError.scrub(failed.error().message(), answered.target().provider()));
            case TeeEnd.BrokeOff broke -> {
                written += endClientStream(out, broke);
                yield new CallEnd.Failed(200, broke.code(), broke.message());
            }
            case TeeEnd.ClientGone ignored -> new CallEnd.Cancelled(200, "the client disconnected mid-stream");
        };
        if (!cancelled && !commented && costOut.on()) {
            // Ended without a final event of its own (an error chunk of no known shape): the comment goes last.
            written += writeQuietly(out, comment());
        }
        Priced priced = told != null && !cancelled ? told : priced(cancelled);
        return new RelayOutcome(callEnd, upstreamMs, ttftMs, written, observer.servedModel(), observer.finishReason(),
                observer.toolCalls(), priced.usage(), priced.source(), priced.cost(),
                keepAnswer ? StreamAnswer.assemble(observer) : null, Reply.close(out));
    }

    /** The cost comment before the final event, {@code usage.cost} in the usage event (see {@link SseTee.Edit}). */
    private byte[] edit(SseEvent event, StreamObserver.Seen seen) {
        byte[] bytes = event.raw();
        if (seen.usage() && costOut.inBody() && event.data() != null) {
            told = priced(false);
            bytes = withCost(event, told.cost());
        }
        if (seen.last() && !commented) {
            bytes = concat(comment(), bytes);
        }
        return bytes;
    }

    /** Prices the usage as it stands and returns the comment line that tells it. */
    private byte[] comment() {
        told = priced(false);
        commented = true;
        return costOut.comment(told.usage(), told.cost());
    }

    /** {@code event} re-emitted with {@code usage.cost} in its data, or its exact bytes when there is no usage to add to. */
    private byte[] withCost(SseEvent event, Cost cost) {
        byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
        byte[] edited = endpoint == Endpoint.RESPONSE ? costOut.withCost(data, cost, "response", "usage")
                : costOut.withCost(data, cost, "usage");
        if (edited == data) {
            return event.raw();
        }
        StringBuilder out = new StringBuilder(edited.length + 32);
        if (event.event() != null) {
            out.append("event: ").append(event.event()).append('\n');
        }
        for (String line : new String(edited, StandardCharsets.UTF_8).split("\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] out = new byte[first.length + second.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }

    private static long writeQuietly(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return bytes.length;
        } catch (IOException clientGone) {
            return 0;
        }
    }

    /** The usage the record gets (reported when whole, otherwise estimated where missing) and its price. */
    private Priced priced(boolean cancelled) {
        TokenUsage reported = observer.usage();
        boolean reportedWhole = !cancelled && reported != null && reported.totalsKnown();
        TokenUsage usage = reportedWhole ? reported : estimated(observer, cancelled);
        return new Priced(usage, reportedWhole ? UsageSource.REPORTED : UsageSource.ESTIMATED, costOut.price(usage));
    }

    private long endClientStream(OutputStream out, TeeEnd.BrokeOff broke) {
        byte[] event = ErrorBody.streamEvent(endpoint, broke.code(), broke.message());
        if (costOut.on() && !commented) {
            event = concat(comment(), event);
        }
        try {
            out.write(event);
            out.flush();
            return event.length;
        } catch (IOException clientGone) {
            return 0;
        }
    }

    /**
     * Reported usage where the provider gave it, a local count where it did not. A cancelled
     * stream always counts its output locally: nothing final was reported for it.
     */
    private TokenUsage estimated(StreamObserver observer, boolean cancelled) {
        TokenUsage reported = observer.usage();
        boolean inputKnown = reported != null && reported.input() != null;
        boolean outputKnown = !cancelled && reported != null && reported.output() != null;
        long input = inputKnown ? reported.input() : estimator.countInput(endpoint, request.body());
        long output = outputKnown ? reported.output() : estimator.count(observer.outputText());
        return new TokenUsage(input, inputKnown ? reported.cachedInput() : null, inputKnown ? reported.cacheWrite() : null,
                output, outputKnown ? reported.reasoning() : null);
    }
}
