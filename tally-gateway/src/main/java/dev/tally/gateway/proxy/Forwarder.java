package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Protocol;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.audit.OutageGate;
import dev.tally.gateway.upstream.Attempt;
import dev.tally.gateway.upstream.Target;
import dev.tally.gateway.upstream.UpstreamCaller;
import dev.tally.gateway.upstream.UpstreamRequest;
import dev.tally.gateway.usage.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The innermost service of a proxied call: writes its opening marker (sync mode: 503 when the
 * store cannot take it), calls upstream with retries and fallbacks, relays the answer
 * ({@link JsonRelay} or {@link StreamRelay}), which price the usage they learned with this
 * call's pricing (so the cost the client is told is the record's, see {@link CostOut}). Returns the
 * call's outcome; the record is built and written by {@link Audited}. Thread-safe (stateless).
 */
final class Forwarder implements RoutedService {

    static final String UNAVAILABLE_MESSAGE = "the audit log cannot be written; calls are refused until it recovers";
    private static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

    private final Endpoint endpoint;
    private final UpstreamCaller caller;
    private final CallAssembler assembler;
    private final AuditSink sink;
    private final OutageGate gate;
    private final PriceBook costs;
    private final TokenEstimator estimator;

    Forwarder(Endpoint endpoint, UpstreamCaller caller, CallAssembler assembler, AuditSink sink, OutageGate gate,
            PriceBook costs, TokenEstimator estimator) {
        this.endpoint = endpoint;
        this.caller = caller;
        this.assembler = assembler;
        this.sink = sink;
        this.gate = gate;
        this.costs = costs;
        this.estimator = estimator;
    }

    @Override
    public CallOutcome serve(Call call, ClientRequest request, List<Target> targets, ServerRequest req, ServerResponse res)
            throws InterruptedException {
        Protocol protocol = endpoint.protocol();
        RequestFacts facts = RequestFacts.of(request);
        RouteFacts routed = RouteFacts.routed(targets.getFirst().provider().name());
        boolean opened;
        try {
            opened = sink.open(assembler.opening(call, facts, routed));
        } catch (RuntimeException neitherStoredNorSpilled) {
            // Sync mode, the store and the journal failed between the gate and here: nothing of
            // this call is in the log, so it is refused and counted like any unrecordable call.
            gate.countRefused(call.key().id(), request.model());
            return new CallOutcome.Counted(Reply.unavailable(res, protocol));
        }
        if (!opened) {
            // Sync mode, the store failed after the gate: the opening marker may be in the
            // journal, so the call is closed with a record of its own (when that can be written).
            return CallOutcome.Recorded.ended(new CallEnd.Failed(ErrorCode.AUDIT_UNAVAILABLE, UNAVAILABLE_MESSAGE), facts,
                    routed, Reply.unavailable(res, protocol));
        }
        Map<String, String> headers = upstreamHeaders(req, call.meta());
        long upstreamStart = System.nanoTime();
        Attempt attempt = caller.call(targets, target -> new UpstreamRequest(target.provider(),
                endpoint.upstreamPath(), request.upstreamBody(target.upstreamModel()), headers, request.stream()));
        String provider = attempt.target().provider().name();
        return switch (attempt) {
            case Attempt.Unreachable failed -> CallOutcome.Recorded.ended(new CallEnd.Failed(failed.errorCode(), failed.message()),
                    facts, new RouteFacts(provider, failed.attempts(), null, null, (System.nanoTime() - upstreamStart) / 1_000_000),
                    Reply.error(res, protocol, failed.errorCode(), failed.message(), null));
            case Attempt.Answered answered -> {
                Target target = answered.target();
                RouteFacts route = new RouteFacts(provider, answered.attempts(), target.upstreamModel(), target.publicModel(), null);
                boolean eventStream = answered.response().header("content-type").orElse("").startsWith("text/event-stream");
                // The relay prices the usage itself, before the client is told the cost: one price, told and recorded.
                // The same model, tier rule and start instant as PriceBook.cost(CallRecord) uses on the record.
                Function<TokenUsage, Cost> pricing = usage -> costs.cost(target.publicModel(),
                        usage.orServiceTier(request.serviceTier()), call.meta().startedAt().truncatedTo(ChronoUnit.MILLIS)).orElse(null);
                CostOut costOut = CostOut.of(call, req, pricing);
                RelayOutcome relay = request.stream() && answered.response().status() / 100 == 2 && eventStream
                        ? new StreamRelay(endpoint, estimator, request, answered, upstreamStart, call.meta().startNanos(),
                                assembler.keepsPayload(call), costOut).relay(res)
                        : new JsonRelay(endpoint, estimator, sink.durability(), request, answered, upstreamStart, costOut)
                                .relay(res);
                yield new CallOutcome.Recorded(relay.end(), facts, route, relay, relay.cost(), null, relay.reply());
            }
        };
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
        if (endpoint.protocol() == Protocol.ANTHROPIC) {
            headers.put("anthropic-version", req.headers().first(HeaderNames.create("anthropic-version")).orElse(DEFAULT_ANTHROPIC_VERSION));
            req.headers().first(HeaderNames.create("anthropic-beta")).ifPresent(v -> headers.put("anthropic-beta", v));
        } else {
            req.headers().first(HeaderNames.create("openai-beta")).ifPresent(v -> headers.put("openai-beta", v));
        }
        return headers;
    }
}
