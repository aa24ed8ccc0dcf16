package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.audit.recorder.Durability;
import dev.tally.gateway.json.GatewayJson;
import dev.tally.gateway.upstream.Attempt;
import dev.tally.gateway.upstream.UpstreamResponse;
import dev.tally.gateway.upstream.UpstreamTimeoutException;
import dev.tally.gateway.usage.Answer;
import dev.tally.gateway.usage.AnswerReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Relays a complete (non-streamed) answer: reads the provider's body, learns usage, finish reason
 * and tool calls from it (or estimates usage when the provider reported none), passes the body
 * to the client unchanged with the provider's status, and finishes the record. Provider errors
 * are passed through as they are (they are already in the protocol's error shape) and recorded
 * with the provider's status and error code. Not thread-safe: one per call.
 */
final class JsonRelay {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private final Endpoint endpoint;
    private final ProxyServices services;
    private final CallScope scope;
    private final ClientRequest request;
    private final Attempt.Answered answered;
    private final long upstreamStart;

    JsonRelay(Endpoint endpoint, ProxyServices services, CallScope scope, ClientRequest request,
            Attempt.Answered answered, long upstreamStart) {
        this.endpoint = endpoint;
        this.services = services;
        this.scope = scope;
        this.request = request;
        this.answered = answered;
        this.upstreamStart = upstreamStart;
    }

    /** Returns once the answer was written (or the client was found gone) and the record finished. */
    void relay(ServerResponse res) throws InterruptedException {
        UpstreamResponse upstream = answered.response();
        int status = upstream.status();
        byte[] body;
        try {
            body = upstream.readAll();
        } catch (IOException e) {
            scope.builder().upstreamMs(elapsedMs());
            boolean timeout = e instanceof UpstreamTimeoutException;
            ErrorCode code = timeout ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_BROKEN;
            String message = timeout ? e.getMessage() : "the provider's answer broke off: " + e.getClass().getSimpleName();
            scope.finish(new CallEnd.Failed(code, message));
            Replies.error(res, endpoint.protocol(), code, message, null);
            return;
        } finally {
            upstream.close();
        }
        scope.builder().upstreamMs(elapsedMs()).responseBytes((long) body.length);
        scope.responseBody(body);
        CallEnd end;
        if (status / 100 == 2) {
            JsonNode tree;
            try {
                tree = MAPPER.readTree(body);
            } catch (IOException e) {
                tree = null;
            }
            if (tree == null || !tree.isObject()) {
                String message = "provider " + answered.target().provider().name() + " answered with invalid JSON";
                scope.finish(new CallEnd.Failed(ErrorCode.UPSTREAM_INVALID_RESPONSE, message));
                Replies.error(res, endpoint.protocol(), ErrorCode.UPSTREAM_INVALID_RESPONSE, message, null);
                return;
            }
            learn(tree);
            end = new CallEnd.Completed(status);
        } else {
            end = ProviderError.of(endpoint.protocol(), status, body, answered.target().provider());
        }
        deliver(res, status, body, end);
    }

    private void learn(JsonNode tree) {
        Answer answer;
        try {
            answer = AnswerReader.read(endpoint, tree);
        } catch (IllegalArgumentException inconsistentUsage) {
            // e.g. cached tokens larger than the total: do not trust any of it, estimate instead
            answer = new Answer(null, null, null, java.util.List.of(), "");
        }
        if (answer.servedModel() != null) {
            scope.builder().servedModel(answer.servedModel());
        }
        scope.builder().finishReason(answer.finishReason()).toolCalls(answer.toolCalls());
        if (answer.usage() != null && answer.usage().totalsKnown()) {
            scope.usage(answer.usage(), UsageSource.REPORTED);
        } else {
            long input = services.estimator().countInput(endpoint, request.body());
            long output = endpoint == Endpoint.EMBEDDING ? 0 : services.estimator().count(answer.outputText());
            scope.usage(new TokenUsage(input, null, null, output, null), UsageSource.ESTIMATED);
        }
    }

    private void deliver(ServerResponse res, int status, byte[] body, CallEnd end) throws InterruptedException {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, answered.response().header("content-type").orElse("application/json"));
        answered.response().header("retry-after").ifPresent(v -> res.header(HeaderNames.RETRY_AFTER, v));
        try {
            if (services.records().sink().durability() == Durability.SYNC) {
                // The response is completed (closed) only once the record is durable.
                OutputStream out = new ClientOutput(res.outputStream());
                out.write(body);
                out.flush();
                scope.finish(end);
                out.close();
            } else {
                // Recorded before the client can see the answer, so a client that reads its
                // answer and then asks the audit log always finds the record.
                scope.finish(end);
                res.send(body);
            }
        } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException clientGone) {
            // Sync mode: the client left before the answer was flushed. Async mode: the record is
            // already written (the provider's work was done and is paid for), so this is a no-op.
            scope.finish(new CallEnd.Cancelled(status, "the client went away while the answer was being sent"));
        }
    }

    private long elapsedMs() {
        return (System.nanoTime() - upstreamStart) / 1_000_000;
    }
}
