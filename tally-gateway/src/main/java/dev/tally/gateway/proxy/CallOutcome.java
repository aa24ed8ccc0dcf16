package dev.tally.gateway.proxy;

import dev.tally.audit.pricing.Cost;
import java.util.Objects;

/**
 * What serving a call produced, returned outward through the decorators to {@link Audited}:
 * either a call to record, or a call refused because nothing durable could take its record
 * (counted in a summary instead; the one exception to one record per call). Immutable.
 */
sealed interface CallOutcome {

    /** What is still to be sent to the client once the outcome is written. */
    Reply reply();

    /**
     * A call that gets its record.
     *
     * @param end how it ended
     * @param request what its body said (never null: {@link RequestFacts#NONE} when unread)
     * @param route where it was sent, or null when it was not routed
     * @param relay how relaying the answer ended, or null when there was no answer to relay
     * @param cost the price of its usage, or null when unpriced
     * @param refusal the security event that goes with a refusal, or null
     * @param reply what is still to be sent
     */
    record Recorded(CallEnd end, RequestFacts request, RouteFacts route, RelayOutcome relay, Cost cost, Refusal refusal,
            Reply reply) implements CallOutcome {

        public Recorded {
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(reply, "reply");
        }

        /** A call that ended without an answer to relay. */
        static Recorded ended(CallEnd end, RequestFacts request, RouteFacts route, Reply reply) {
            return new Recorded(end, request, route, null, null, null, reply);
        }
    }

    /** A call refused because nothing durable could take its record: counted, not recorded. */
    record Counted(Reply reply) implements CallOutcome {
    }
}
