package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Protocol;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.gateway.audit.OutageGate;
import dev.tally.gateway.upstream.Router;
import dev.tally.gateway.upstream.Target;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One proxied route, the core of the call pipeline that {@link #route} wires:
 * {@link Authenticated} (envelope, key) → {@link Audited} (exactly one record) → this (read and
 * check the body, nowhere durable to write, unknown model) → {@link Limited} (scopes, rates,
 * budgets) → {@link Forwarder} (opening marker, upstream with retries and fallbacks, relay).
 * Each returns its {@link CallOutcome} outward; nothing calls back into the one that called it.
 *
 * <p>Runs on the request's virtual thread and blocks. {@link #serve} returns once the body was
 * read and the call either refused, failed, or relayed (a stream's events written, its end not);
 * the rest of the answer is in the outcome's {@link Reply}. Thread-safe (stateless).
 */
public final class ProxyHandler implements CallService {

    private final Endpoint endpoint;
    private final Router router;
    private final OutageGate gate;
    private final RoutedService next;

    ProxyHandler(Endpoint endpoint, Router router, OutageGate gate, RoutedService next) {
        this.endpoint = endpoint;
        this.router = router;
        this.gate = gate;
        this.next = next;
    }

    /** The whole pipeline of {@code endpoint}, as a Helidon handler. */
    public static Handler route(Endpoint endpoint, ProxyServices services) {
        RoutedService forward = new Forwarder(endpoint, services.caller(), services.assembler(), services.sink(),
                services.gate(), services.costs(), services.estimator());
        RoutedService limited = new Limited(services.limiter(), services.estimator(), forward);
        CallService core = new ProxyHandler(endpoint, services.router(), services.gate(), limited);
        return new Authenticated(endpoint.route(), services.authenticator(), services.events(), services.ids(),
                services.clock(), new Audited(core, services.assembler(), services.sink(), services.tracer(), services.events()));
    }

    @Override
    public CallOutcome serve(Call call, ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        Protocol protocol = endpoint.protocol();
        byte[] raw;
        try {
            raw = RequestBody.read(req);
        } catch (RequestBody.Short e) {
            // The client stopped sending (closed its side) before its content-length: a 400 it may still read.
            return CallOutcome.Recorded.ended(new CallEnd.Failed(ErrorCode.BODY_LENGTH_MISMATCH, e.getMessage()),
                    new RequestFacts(e.received(), null, null, null, null, null), null, () -> {
                        try {
                            Replies.error(res, protocol, ErrorCode.BODY_LENGTH_MISMATCH, e.getMessage(), null);
                        } catch (RuntimeException connectionGone) {
                            // a stalled body's connection was closed to stop the read: the record says what happened
                        }
                    });
        } catch (RequestBody.Malformed e) {
            return CallOutcome.Recorded.ended(new CallEnd.Failed(e.code(), e.getMessage()), RequestFacts.NONE, null,
                    Reply.error(res, protocol, e.code(), e.getMessage(), null));
        } catch (IOException | java.io.UncheckedIOException | io.helidon.webserver.ServerConnectionException
                | io.helidon.common.buffers.DataReader.InsufficientDataAvailableException gone) {
            // 499, as proxies write it: the client closed the request before sending all of it.
            return CallOutcome.Recorded.ended(new CallEnd.Cancelled(499, "the client went away while sending its request"),
                    RequestFacts.NONE, null, Reply.NONE);
        }
        ClientRequest request;
        ClientRequest.Invalid invalid = null;
        try {
            request = ClientRequest.parse(endpoint, raw);
        } catch (ClientRequest.Invalid e) {
            request = null;
            invalid = e;
        }
        // Before anything is recorded or sent upstream: a call that could not be recorded is
        // refused and counted for a summary, never recorded one by one (OutageGate).
        if (gate.refuse(call.key().id(), request == null ? null : request.model())) {
            return new CallOutcome.Counted(Reply.unavailable(res, protocol));
        }
        if (invalid != null) {
            return CallOutcome.Recorded.ended(new CallEnd.Failed(invalid.code(), invalid.getMessage()), RequestFacts.unparsed(raw),
                    null, Reply.error(res, protocol, invalid.code(), invalid.getMessage(), invalid.param()));
        }
        RequestFacts facts = RequestFacts.of(request);
        Optional<List<Target>> route = router.route(request.model(), protocol);
        if (route.isEmpty()) {
            String message = "model: '" + request.model() + "' (expected: a configured model; GET /v1/models lists them)";
            return new CallOutcome.Recorded(new CallEnd.Refused(ErrorCode.MODEL_NOT_FOUND, message), facts, null, null, null,
                    new Refusal(SecurityEventType.UNKNOWN_MODEL, request.model(), ErrorCode.MODEL_NOT_FOUND.httpStatus(), message),
                    Reply.error(res, protocol, ErrorCode.MODEL_NOT_FOUND, message, null));
        }
        Target first = route.get().getFirst();
        if (first.provider().kind() != protocol) {
            String message = WrongProtocol.message(request.model(), first.provider(), endpoint,
                    router.serves(endpoint.protocol()));
            return CallOutcome.Recorded.ended(new CallEnd.Failed(ErrorCode.WRONG_ENDPOINT, message), facts,
                    RouteFacts.routed(first.provider().name()), Reply.error(res, protocol, ErrorCode.WRONG_ENDPOINT, message, "model"));
        }
        return next.serve(call, request, route.get(), req, res);
    }
}
