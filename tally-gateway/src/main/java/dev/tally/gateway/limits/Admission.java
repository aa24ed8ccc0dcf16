package dev.tally.gateway.limits;

import dev.tally.audit.entry.SecurityEventType;
import dev.tally.gateway.proxy.ErrorCode;
import java.time.Duration;

/** Whether an authenticated call may go upstream. */
public sealed interface Admission {

    /** The call may proceed. */
    record Admitted() implements Admission {
    }

    /**
     * The call is refused before any upstream call: recorded as a {@code refused} call record
     * plus a security event of {@code type}.
     *
     * @param type rate_limited, budget_exceeded, scope_violation or unknown_model
     * @param httpStatus 429 (rate, budget), 403 (model not allowed), 404 (unknown model)
     * @param code stable client-facing error code, e.g. {@code rate_limit_exceeded}
     * @param message client-facing explanation naming the limit and its value
     * @param retryAfter for 429, when to retry, or null
     */
    record Refused(SecurityEventType type, int httpStatus, String code, String message, Duration retryAfter)
            implements Admission {
        /** A refusal with a catalogued code (its status comes with it). */
        public Refused(SecurityEventType type, ErrorCode code, String message, Duration retryAfter) {
            this(type, code.httpStatus(), code.code(), message, retryAfter);
        }
    }
}
