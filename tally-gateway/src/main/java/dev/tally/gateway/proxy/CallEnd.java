package dev.tally.gateway.proxy;

import dev.tally.audit.entry.CallStatus;

/**
 * How one proxied call ended. Status, HTTP status and error code of a record always come from
 * the same value of this type, so they cannot disagree.
 */
public sealed interface CallEnd {

    /** The HTTP status the client got. */
    int httpStatus();

    /** The provider answered successfully (2xx) and the answer reached the client. */
    record Completed(int httpStatus) implements CallEnd {
    }

    /** The call failed: bad input, provider error, unreachable provider, broken stream, store down. */
    record Failed(int httpStatus, String code, String message) implements CallEnd {
        /** A failure the gateway itself names. */
        public Failed(ErrorCode code, String message) {
            this(code.httpStatus(), code.code(), message);
        }
    }

    /** Refused before any upstream call: unknown model, limits, budget, scope. */
    record Refused(int httpStatus, String code, String message) implements CallEnd {
        /** A refusal the gateway itself names. */
        public Refused(ErrorCode code, String message) {
            this(code.httpStatus(), code.code(), message);
        }
    }

    /** The client went away before the answer was complete. */
    record Cancelled(int httpStatus, String message) implements CallEnd {
    }

    /** The record status for this end. */
    static CallStatus status(CallEnd end) {
        return switch (end) {
            case Completed ignored -> CallStatus.SUCCESS;
            case Failed ignored -> CallStatus.ERROR;
            case Refused ignored -> CallStatus.REFUSED;
            case Cancelled ignored -> CallStatus.CANCELLED;
        };
    }
}
