package dev.tally.gateway.stream;

import dev.tally.gateway.proxy.ErrorCode;

/** How a tee'd stream ended. */
public sealed interface TeeEnd {

    /** The provider reached its protocol's proper end and every event reached the client. */
    record Completed() implements TeeEnd {
    }

    /** The provider sent an error event (forwarded to the client as is). */
    record ProviderFailed(StreamObserver.StreamError error) implements TeeEnd {
    }

    /**
     * The provider's stream stopped without a proper end: connection closed early, transport
     * error, or idle/total timeout. The client has not been told yet.
     *
     * @param code {@code stream_truncated}, {@code upstream_broken} or {@code upstream_timeout}
     * @param message what happened, for the record and the client's error event
     */
    record BrokeOff(String code, String message) implements TeeEnd {
        /** With a catalogued code. */
        public BrokeOff(ErrorCode code, String message) {
            this(code.code(), message);
        }
    }

    /** Writing to the client failed: it went away. The upstream must be stopped. */
    record ClientGone() implements TeeEnd {
    }
}
