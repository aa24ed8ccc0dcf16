package dev.tally.gateway.upstream;

import dev.tally.gateway.proxy.ErrorCode;

/** How trying a call's targets ended. */
public sealed interface Attempt {

    /** Upstream attempts made, retries and fallbacks included. */
    int attempts();

    /** The target tried last (the one that answered, for {@link Answered}). */
    Target target();

    /**
     * A provider answered with headers: a success, a non-retryable client error, or the last
     * retryable error once retries and fallbacks ran out. The caller owns (and must close) the response.
     */
    record Answered(UpstreamResponse response, Target target, int attempts) implements Attempt {
    }

    /**
     * No provider answered: connect failures or timeouts on every target.
     *
     * @param httpStatus 502 (unreachable) or 504 (timed out)
     * @param code stable error code: {@code upstream_unreachable} or {@code upstream_timeout}
     * @param message what went wrong last; names the provider, never a secret
     */
    record Unreachable(Target target, int attempts, int httpStatus, String code, String message) implements Attempt {
        /** With a catalogued code (its status comes with it). */
        public Unreachable(Target target, int attempts, ErrorCode code, String message) {
            this(target, attempts, code.httpStatus(), code.code(), message);
        }

        /** The catalogued code. */
        public ErrorCode errorCode() {
            return ErrorCode.of(code, httpStatus);
        }
    }
}
