package dev.tally.gateway.proxy;

import dev.tally.gateway.limits.Admission;
import dev.tally.gateway.limits.Limiter;
import dev.tally.gateway.upstream.Target;
import dev.tally.gateway.usage.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The limits decorator: admits a routed call against its key's scope, rates and budget (a
 * refusal is answered 429/403 with its security event, and nothing is sent upstream), and once
 * the wrapped service returns, settles the tokens and cost the call used. Thread-safe (stateless;
 * the {@link Limiter} is thread-safe).
 */
final class Limited implements RoutedService {

    private static final System.Logger LOG = System.getLogger(Limited.class.getName());

    private final Limiter limiter;
    private final TokenEstimator estimator;
    private final RoutedService next;

    Limited(Limiter limiter, TokenEstimator estimator, RoutedService next) {
        this.limiter = limiter;
        this.estimator = estimator;
        this.next = next;
    }

    @Override
    public CallOutcome serve(Call call, ClientRequest request, List<Target> targets, ServerRequest req, ServerResponse res)
            throws IOException, InterruptedException {
        // Counting tokens costs time on large prompts: only a key with a TPM limit needs it up front.
        long estimatedInput = call.key().tokensPerMinute() == null ? 0 : estimator.countInput(request.endpoint(), request.body());
        if (limiter.admit(call.key(), request.model(), estimatedInput) instanceof Admission.Refused refused) {
            return refusal(request, targets, res, refused);
        }
        CallOutcome outcome = next.serve(call, request, targets, req, res);
        if (outcome instanceof CallOutcome.Recorded recorded && recorded.relay() != null && recorded.relay().usage() != null) {
            var usage = recorded.relay().usage();
            long total = (usage.input() == null ? 0 : usage.input()) + (usage.output() == null ? 0 : usage.output());
            try {
                limiter.settle(call.key(), total, recorded.cost() == null ? null : recorded.cost().micros());
            } catch (RuntimeException e) {
                // The call was served; a limiter fault must not fail it after the fact.
                LOG.log(Level.WARNING, "limiter settle failed for key " + call.key().id() + ": " + e);
            }
        }
        return outcome;
    }

    private static CallOutcome refusal(ClientRequest request, List<Target> targets, ServerResponse res, Admission.Refused refused) {
        var protocol = request.endpoint().protocol();
        Reply reply = () -> {
            if (refused.retryAfter() != null) {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000)));
            }
            Replies.error(res, protocol, refused.httpStatus(), refused.code(), refused.message(), null);
        };
        return new CallOutcome.Recorded(new CallEnd.Refused(refused.httpStatus(), refused.code(), refused.message()),
                RequestFacts.of(request), RouteFacts.routed(targets.getFirst().provider().name()), null, null,
                new Refusal(refused.type(), request.model(), refused.httpStatus(), refused.message()), reply);
    }
}
