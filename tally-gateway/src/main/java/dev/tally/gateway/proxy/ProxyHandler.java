package dev.tally.gateway.proxy;

import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoreException;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.limits.Admission;
import dev.tally.gateway.upstream.Attempt;
import dev.tally.gateway.upstream.Target;
import dev.tally.gateway.upstream.UpstreamRequest;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One proxied route. The path of a call: envelope (request id, trace, tags) → authenticate →
 * read the body → nowhere durable to write (503 {@code audit_unavailable}, counted in a summary
 * instead of a record: {@link dev.tally.gateway.audit.OutageGate}) → check the body → unknown
 * model (404, refused) → limits (refused) → opening marker (sync: 503 when the store cannot take
 * it) → upstream with retries and fallbacks → relay the answer ({@link JsonRelay} or
 * {@link StreamRelay}) → exactly one record.
 *
 * <p>Runs on the request's virtual thread and blocks. {@link #handle} returns once the answer
 * has been written to the client and the record handed to the audit sink (in sync mode: made
 * durable, before the response was completed). Thread-safe (stateless; state lives in the call's
 * {@link CallScope}).
 */
public final class ProxyHandler implements Handler {

    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());
    private static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";
    private static final String UNAVAILABLE_MESSAGE =
            "the audit log cannot be written; calls are refused until it recovers";

    private final Endpoint endpoint;
    private final ProxyServices services;

    public ProxyHandler(Endpoint endpoint, ProxyServices services) {
        this.endpoint = endpoint;
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        Envelope.Received envelope = Envelope.read(req, endpoint, services.ids(), services.clock());
        RequestMeta meta = envelope.meta();
        res.header(Envelope.REQUEST_ID, meta.id());
        AuthOutcome outcome = services.authenticator().authenticateCredentials(Envelope.credentials(req), meta.clientIp());
        VirtualKey key = switch (outcome) {
            case AuthOutcome.Allowed allowed -> allowed.key();
            case AuthOutcome.Denied denied -> {
                services.events().authDenied(meta, denied);
                Replies.error(res, endpoint.protocol(), denied.errorCode(), denied.message(), null);
                yield null;
            }
        };
        if (key == null) {
            return;
        }
        CallScope scope = services.records().start(meta, key);
        try {
            if (envelope.problem() != null) {
                fail(res, scope, ErrorCode.INVALID_HEADER, envelope.problem(), null);
                return;
            }
            proxy(req, res, scope);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } catch (RuntimeException | IOException e) {
            failedInside(res, scope, e);
        } finally {
            if (!scope.finished()) {
                // Only reachable on an Error or interrupt: the record is still written.
                finishQuietly(scope, new CallEnd.Failed(ErrorCode.INTERNAL_ERROR, "the call ended without an answer"));
            }
        }
    }

    /**
     * A fault inside the gateway: the call is recorded as an internal error (if it was not yet)
     * and answered with a JSON 500. When the answer was already under way, or its record could
     * not be made durable in sync mode (the store and journal failed under it), the connection
     * is closed instead of completing the response: the client never sees a complete answer whose
     * closing record is not durable.
     */
    private void failedInside(ServerResponse res, CallScope scope, Exception e) throws InterruptedException {
        if (e instanceof CloseConnectionException abort) {
            throw abort;
        }
        // Sync mode: a record that could be neither stored nor spilled. Not a fault of the gateway's
        // own: the client is told the log is unavailable (503), like any call refused for it.
        boolean unrecordable = e instanceof StoreException;
        if (unrecordable) {
            LOG.log(Level.WARNING, "call " + scope.meta().id() + ": its record could not be made durable: " + e.getMessage());
        } else {
            LOG.log(Level.ERROR, "call " + scope.meta().id() + " failed inside the gateway", e);
        }
        if (!scope.finished()) {
            finishQuietly(scope, unrecordable ? new CallEnd.Failed(ErrorCode.AUDIT_UNAVAILABLE, UNAVAILABLE_MESSAGE)
                    : new CallEnd.Failed(ErrorCode.INTERNAL_ERROR, "the gateway failed: " + e.getClass().getSimpleName()));
        }
        try {
            if (!res.isSent()) {
                if (unrecordable) {
                    res.header(HeaderNames.RETRY_AFTER, "1");
                    Replies.error(res, endpoint.protocol(), ErrorCode.AUDIT_UNAVAILABLE, UNAVAILABLE_MESSAGE, null);
                } else {
                    Replies.error(res, endpoint.protocol(), ErrorCode.INTERNAL_ERROR,
                            "the gateway failed; see x-request-id " + scope.meta().id(), null);
                }
                return;
            }
        } catch (RuntimeException alreadyStreaming) {
            // the answer's status and part of its body are out: fall through and cut the connection
        }
        throw new CloseConnectionException("call " + scope.meta().id() + " failed after its answer began");
    }

    /** Finishes the scope; a record that cannot be made durable (sync mode, nowhere to write) is logged, not thrown. */
    private static void finishQuietly(CallScope scope, CallEnd end) throws InterruptedException {
        try {
            scope.finish(end);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "call " + scope.meta().id() + ": its record could not be made durable: " + e);
        }
    }

    private void proxy(ServerRequest req, ServerResponse res, CallScope scope) throws IOException, InterruptedException {
        byte[] raw;
        try {
            raw = RequestBody.read(req);
        } catch (RequestBody.Short e) {
            // The client stopped sending (closed its side) before its content-length: a 400 it may still read.
            scope.builder().requestBytes(e.received());
            scope.finish(new CallEnd.Failed(ErrorCode.BODY_LENGTH_MISMATCH, e.getMessage()));
            try {
                Replies.error(res, endpoint.protocol(), ErrorCode.BODY_LENGTH_MISMATCH, e.getMessage(), null);
            } catch (RuntimeException connectionGone) {
                // a stalled body's connection was closed to stop the read: the record says what happened
            }
            return;
        } catch (IOException | java.io.UncheckedIOException | io.helidon.webserver.ServerConnectionException
                | io.helidon.common.buffers.DataReader.InsufficientDataAvailableException gone) {
            // 499, as proxies write it: the client closed the request before sending all of it.
            scope.finish(new CallEnd.Cancelled(499, "the client went away while sending its request"));
            return;
        }
        scope.builder().requestBytes((long) raw.length).stream(false);
        scope.requestBody(raw);
        ClientRequest parsed;
        ClientRequest.Invalid invalid = null;
        try {
            parsed = ClientRequest.parse(endpoint, raw);
        } catch (ClientRequest.Invalid e) {
            parsed = null;
            invalid = e;
        }
        // Before anything is recorded or sent upstream: a call that could not be recorded is
        // refused and counted for a summary, never recorded one by one (OutageGate).
        if (services.records().gate().refuse(scope.key().id(), parsed == null ? null : parsed.model())) {
            unrecordable(res, scope);
            return;
        }
        if (invalid != null) {
            fail(res, scope, invalid.code(), invalid.getMessage(), invalid.param());
            return;
        }
        ClientRequest request = parsed;
        scope.builder().model(request.model()).stream(request.stream());
        if (scope.meta().headerUser() == null && request.user() != null) {
            scope.builder().user(request.user());
        }
        Optional<List<Target>> route = services.router().route(request.model(), endpoint.protocol());
        if (route.isEmpty()) {
            refuse(res, scope, request.model(), new Admission.Refused(SecurityEventType.UNKNOWN_MODEL, ErrorCode.MODEL_NOT_FOUND,
                    "model: '" + request.model() + "' (expected: a configured model; GET /v1/models lists them)", null));
            return;
        }
        List<Target> targets = route.get();
        Target first = targets.getFirst();
        scope.builder().provider(first.provider().name());
        if (first.provider().kind() != endpoint.protocol()) {
            fail(res, scope, ErrorCode.WRONG_ENDPOINT, WrongProtocol.message(request.model(), first.provider(), endpoint,
                    services.router().serves(endpoint.protocol())), "model");
            return;
        }
        // Counting tokens costs time on large prompts: only a key with a TPM limit needs it up front.
        long estimatedInput = scope.key().tokensPerMinute() == null ? 0 : services.estimator().countInput(endpoint, request.body());
        if (services.limiter().admit(scope.key(), request.model(), estimatedInput) instanceof Admission.Refused refused) {
            refuse(res, scope, request.model(), refused);
            return;
        }
        boolean opened;
        try {
            opened = services.records().sink().open(scope.opening());
        } catch (RuntimeException neitherStoredNorSpilled) {
            // Sync mode, the store and the journal failed between the gate and here: nothing of
            // this call is in the log, so it is refused and counted like any unrecordable call.
            services.records().gate().countRefused(scope.key().id(), request.model());
            unrecordable(res, scope);
            return;
        }
        if (!opened) {
            // Sync mode, the store failed after the gate: the opening marker may be in the
            // journal, so the call is closed with a record of its own (when that can be written).
            finishQuietly(scope, new CallEnd.Failed(ErrorCode.AUDIT_UNAVAILABLE, UNAVAILABLE_MESSAGE));
            res.header(HeaderNames.RETRY_AFTER, "1");
            Replies.error(res, endpoint.protocol(), ErrorCode.AUDIT_UNAVAILABLE, UNAVAILABLE_MESSAGE, null);
            return;
        }
        Map<String, String> headers = upstreamHeaders(req, scope.meta());
        long upstreamStart = System.nanoTime();
        Attempt attempt = services.caller().call(targets, target -> new UpstreamRequest(target.provider(),
                endpoint.upstreamPath(), request.upstreamBody(target.upstreamModel()), headers, request.stream()));
        scope.builder().provider(attempt.target().provider().name()).attempts(attempt.attempts());
        switch (attempt) {
            case Attempt.Unreachable failed -> {
                scope.builder().upstreamMs((System.nanoTime() - upstreamStart) / 1_000_000);
                fail(res, scope, failed.errorCode(), failed.message(), null);
            }
            case Attempt.Answered answered -> {
                scope.builder().servedModel(answered.target().upstreamModel());
                scope.pricedModel(answered.target().publicModel());
                boolean eventStream = answered.response().header("content-type").orElse("").startsWith("text/event-stream");
                if (request.stream() && answered.response().status() / 100 == 2 && eventStream) {
                    new StreamRelay(endpoint, services, scope, request, answered, upstreamStart).relay(res);
                } else {
                    new JsonRelay(endpoint, services, scope, request, answered, upstreamStart).relay(res);
                }
            }
        }
    }

    /**
     * Headers passed upstream: protocol versions and betas, and the trace continued (same trace
     * id, or a new one; the gateway's own span id as parent, see {@link dev.tally.gateway.trace.TraceContext});
     * never credentials or {@code x-tally-*}.
     */
    private Map<String, String> upstreamHeaders(ServerRequest req, RequestMeta meta) {
        Map<String, String> headers = new TreeMap<>();
        headers.put("traceparent", meta.trace().upstreamTraceparent());
        if (meta.trace().traceState() != null) {
            headers.put("tracestate", meta.trace().traceState());
        }
        if (endpoint.protocol() == dev.tally.audit.entry.Protocol.ANTHROPIC) {
            headers.put("anthropic-version", req.headers().first(HeaderNames.create("anthropic-version")).orElse(DEFAULT_ANTHROPIC_VERSION));
            req.headers().first(HeaderNames.create("anthropic-beta")).ifPresent(v -> headers.put("anthropic-beta", v));
        } else {
            req.headers().first(HeaderNames.create("openai-beta")).ifPresent(v -> headers.put("openai-beta", v));
        }
        return headers;
    }

    /** 503 {@code audit_unavailable}, with no record of its own: the call is counted in a summary. */
    private void unrecordable(ServerResponse res, CallScope scope) {
        scope.counted();
        res.header(HeaderNames.RETRY_AFTER, "1");
        Replies.error(res, endpoint.protocol(), ErrorCode.AUDIT_UNAVAILABLE, UNAVAILABLE_MESSAGE, null);
    }

    private void fail(ServerResponse res, CallScope scope, ErrorCode code, String message, String param)
            throws InterruptedException {
        scope.finish(new CallEnd.Failed(code, message));
        Replies.error(res, endpoint.protocol(), code, message, param);
    }

    private void refuse(ServerResponse res, CallScope scope, String model, Admission.Refused refused)
            throws InterruptedException {
        scope.finish(new CallEnd.Refused(refused.httpStatus(), refused.code(), refused.message()));
        services.events().refused(scope, refused.type(), model, refused.httpStatus(), refused.message());
        if (refused.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000)));
        }
        Replies.error(res, endpoint.protocol(), refused.httpStatus(), refused.code(), refused.message(), null);
    }
}
