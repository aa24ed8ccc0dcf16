package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.audit.recorder.Durability;
import dev.tally.gateway.json.GatewayJson;
import dev.tally.gateway.upstream.Attempt;
import dev.tally.gateway.upstream.UpstreamResponse;
import dev.tally.gateway.upstream.UpstreamTimeoutException;
import dev.tally.gateway.usage.Answer;
import dev.tally.gateway.usage.AnswerReader;
import dev.tally.gateway.usage.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Relays a complete (non-streamed) answer: reads the provider's body, learns usage, finish reason
 * and tool calls from it (or estimates usage when the provider reported none), and returns the
 * outcome with the body, unchanged and with the provider's status, as what is left to send.
 * Provider errors are passed through as they are (they are already in the protocol's error shape)
 * and end with the provider's status and error code. In sync mode the body is written and
 * flushed here and only the close is left, so the response completes once the record is
 * durable; in async mode all of it is left, so the record is handed over before the client can
 * see the answer. The usage is priced here, before the status and headers go out, so that
 * {@code x-tally-cost-usd} is the record's cost ({@link CostOut}); with
 * {@code x-tally-include-cost: body} the answer gets {@code usage.cost}, otherwise its bytes are
 * the provider's. Not thread-safe: one per call.
 */
final class JsonRelay {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private final Endpoint endpoint;
    private final TokenEstimator estimator;
    private final Durability durability;
    private final ClientRequest request;
    private final Attempt.Answered answered;
    private final long upstreamStart;
    private final CostOut costOut;

    JsonRelay(Endpoint endpoint, TokenEstimator estimator, Durability durability, ClientRequest request,
            Attempt.Answered answered, long upstreamStart, CostOut costOut) {
        this.costOut = costOut;
        this.endpoint = endpoint;
        this.estimator = estimator;
        this.durability = durability;
        this.request = request;
        this.answered = answered;
        this.upstreamStart = upstreamStart;
    }

    /** Returns once the provider's answer was read (sync mode: also written to the client, not closed). */
    RelayOutcome relay(ServerResponse res) {
        UpstreamResponse upstream = answered.response();
        int status = upstream.status();
        byte[] body;
        try {
            body = upstream.readAll();
        } catch (IOException e) {
            boolean timeout = e instanceof UpstreamTimeoutException;
            ErrorCode code = timeout ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_BROKEN;
            String message = timeout ? e.getMessage() : "the provider's answer broke off: " + e.getClass().getSimpleName();
            return RelayOutcome.failed(new CallEnd.Failed(code, message), elapsedMs(),
                    Reply.error(res, endpoint.protocol(), code, message, null));
        } finally {
            upstream.close();
        }
        long upstreamMs = elapsedMs();
        if (status / 100 != 2) {
            CallEnd end = ProviderError.of(endpoint.protocol(), status, body, answered.target().provider());
            return deliver(res, status, body, end, upstreamMs, null, null, List.of(), null, UsageSource.UNKNOWN);
        }
        // The common case in one pass without a tree: a chat answer with its usage (see AnswerReader).
        Answer reported = endpoint == Endpoint.CHAT || endpoint == Endpoint.COMPLETION
                ? AnswerReader.readChatReported(MAPPER, body) : null;
        if (reported != null) {
            return deliver(res, status, body, new CallEnd.Completed(status), upstreamMs, reported.servedModel(),
                    reported.finishReason(), reported.toolCalls(), reported.usage(), UsageSource.REPORTED);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            String message = "provider " + answered.target().provider().name() + " answered with invalid JSON";
            return new RelayOutcome(new CallEnd.Failed(ErrorCode.UPSTREAM_INVALID_RESPONSE, message), upstreamMs, null,
                    (long) body.length, null, null, List.of(), null, UsageSource.UNKNOWN, null, body,
                    Reply.error(res, endpoint.protocol(), ErrorCode.UPSTREAM_INVALID_RESPONSE, message, null));
        }
        Answer answer;
        try {
            answer = AnswerReader.read(endpoint, tree);
        } catch (IllegalArgumentException inconsistentUsage) {
            // e.g. cached tokens larger than the total: do not trust any of it, estimate instead
            answer = new Answer(null, null, null, List.of(), "");
        }
        TokenUsage usage;
        UsageSource source;
        if (answer.usage() != null && answer.usage().totalsKnown()) {
            usage = answer.usage();
            source = UsageSource.REPORTED;
        } else {
            long input = estimator.countInput(endpoint, request.body());
            long output = endpoint == Endpoint.EMBEDDING ? 0 : estimator.count(answer.outputText());
            usage = new TokenUsage(input, null, null, output, null);
            source = UsageSource.ESTIMATED;
        }
        return deliver(res, status, body, new CallEnd.Completed(status), upstreamMs, answer.servedModel(), answer.finishReason(),
                answer.toolCalls(), usage, source);
    }

    private RelayOutcome deliver(ServerResponse res, int status, byte[] body, CallEnd end, long upstreamMs, String servedModel,
            String finishReason, List<String> toolCalls, TokenUsage usage, UsageSource source) {
        Cost cost = costOut.price(usage);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, answered.response().header("content-type").orElse("application/json"));
        answered.response().header("retry-after").ifPresent(v -> res.header(HeaderNames.RETRY_AFTER, v));
        costOut.header(res, cost);
        // The record keeps the provider's answer; the client may get it with usage.cost added.
        // Every protocol's complete answer has its usage at the top level.
        byte[] sent = status / 100 == 2 ? costOut.withCost(body, cost, "usage") : body;
        Reply reply;
        CallEnd ended = end;
        if (durability == Durability.SYNC) {
            // The response is completed (closed) only once the record is durable.
            OutputStream out = new ClientOutput(res.outputStream());
            try {
                out.write(sent);
                out.flush();
                reply = Reply.close(out);
            } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException clientGone) {
                ended = new CallEnd.Cancelled(status, "the client went away while the answer was being sent");
                reply = Reply.NONE;
            }
        } else {
            // Sent once the record is handed over, so a client that reads its answer and then
            // asks the audit log always finds the record.
            reply = () -> res.send(sent);
        }
        return new RelayOutcome(ended, upstreamMs, null, (long) sent.length, servedModel, finishReason, toolCalls, usage, source,
                cost, body, reply);
    }

    private long elapsedMs() {
        return (System.nanoTime() - upstreamStart) / 1_000_000;
    }
}
