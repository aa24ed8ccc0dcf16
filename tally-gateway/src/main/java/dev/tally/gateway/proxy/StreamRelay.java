package dev.tally.gateway.proxy;

import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.stream.SseReader;
import dev.tally.gateway.stream.SseTee;
import dev.tally.gateway.stream.StreamObserver;
import dev.tally.gateway.stream.TeeEnd;
import dev.tally.gateway.upstream.Attempt;
import dev.tally.gateway.upstream.UpstreamResponse;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Relays a streamed answer through an {@link SseTee} and turns the way it ended into the record:
 * completed (usage as reported, estimated where the provider left a gap), provider error event
 * (error, partial usage), break-off or timeout (error, partial usage, and a protocol-correct
 * error event ends the client's stream), or client gone (the upstream is closed at once;
 * {@code cancelled} with the output counted so far, {@code usage_source: estimated}). The client
 * already has a 200 when any of this is known, so the record's {@code http_status} is 200.
 * Not thread-safe: one per call.
 */
final class StreamRelay {

    private final Endpoint endpoint;
    private final ProxyServices services;
    private final CallScope scope;
    private final ClientRequest request;
    private final Attempt.Answered answered;
    private final long upstreamStart;

    StreamRelay(Endpoint endpoint, ProxyServices services, CallScope scope, ClientRequest request,
            Attempt.Answered answered, long upstreamStart) {
        this.endpoint = endpoint;
        this.services = services;
        this.scope = scope;
        this.request = request;
        this.answered = answered;
        this.upstreamStart = upstreamStart;
    }

    /** Returns once the stream ended, the client's response was closed and the record finished. */
    void relay(ServerResponse res) throws InterruptedException {
        UpstreamResponse upstream = answered.response();
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        OutputStream out = ClientOutput.events(res); // the client has the headers while the first event is on its way
        StreamObserver observer = StreamObserver.of(endpoint, request.usageChunkHidden());
        SseTee tee = new SseTee(new SseReader(upstream.body()), out, observer);
        TeeEnd end;
        try {
            end = tee.run();
        } finally {
            upstream.close(); // at once: on a client disconnect this stops the provider's generation
        }
        long now = System.nanoTime();
        scope.builder().upstreamMs((now - upstreamStart) / 1_000_000)
                .finishReason(observer.finishReason())
                .toolCalls(observer.toolCalls());
        if (observer.servedModel() != null) {
            scope.builder().servedModel(observer.servedModel());
        }
        if (tee.firstContentNanos() != 0) {
            scope.builder().ttftMs((tee.firstContentNanos() - scope.meta().startNanos()) / 1_000_000);
        }
        long written = tee.forwardedBytes();
        CallEnd callEnd = switch (end) {
            case TeeEnd.Completed ignored -> {
                usage(observer, false);
                yield new CallEnd.Completed(200);
            }
            case TeeEnd.ProviderFailed failed -> {
                usage(observer, false);
                yield new CallEnd.Failed(200, failed.error().code(),
                        ProviderError.scrub(failed.error().message(), answered.target().provider()));
            }
            case TeeEnd.BrokeOff broke -> {
                usage(observer, false);
                written += endClientStream(out, broke);
                yield new CallEnd.Failed(200, broke.code(), broke.message());
            }
            case TeeEnd.ClientGone ignored -> {
                usage(observer, true);
                yield new CallEnd.Cancelled(200, "the client disconnected mid-stream");
            }
        };
        scope.builder().responseBytes(written);
        if (scope.keepsPayload()) {
            scope.responseBody(StreamAnswer.assemble(observer));
        }
        close(out, callEnd);
    }

    /**
     * The record is handed over before the client's response is completed (in sync mode: made
     * durable), so a client that saw the end of its stream always finds the record.
     */
    private void close(OutputStream out, CallEnd callEnd) throws InterruptedException {
        scope.finish(callEnd);
        try {
            out.close();
        } catch (IOException clientGone) {
            // the record already says how the stream ended; a failed final chunk changes nothing
        }
    }

    private long endClientStream(OutputStream out, TeeEnd.BrokeOff broke) {
        byte[] event = ErrorBody.streamEvent(endpoint, broke.code(), broke.message());
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
    private void usage(StreamObserver observer, boolean cancelled) {
        TokenUsage reported = observer.usage();
        if (!cancelled && reported != null && reported.totalsKnown()) {
            scope.usage(reported, UsageSource.REPORTED);
            return;
        }
        boolean inputKnown = reported != null && reported.input() != null;
        boolean outputKnown = !cancelled && reported != null && reported.output() != null;
        long input = inputKnown ? reported.input() : services.estimator().countInput(endpoint, request.body());
        long output = outputKnown ? reported.output() : services.estimator().count(observer.outputText());
        scope.usage(new TokenUsage(input, inputKnown ? reported.cachedInput() : null, inputKnown ? reported.cacheWrite() : null,
                output, outputKnown ? reported.reasoning() : null), UsageSource.ESTIMATED);
    }
}
