package dev.tally.gateway.upstream;

import java.io.IOException;

/** A provider exceeded a configured timeout (which one is in the message and {@link #which()}). */
public final class UpstreamTimeoutException extends IOException {

    /** Which timeout passed. */
    public enum Which {
        CONNECT, FIRST_BYTE, IDLE, TOTAL
    }

    private final Which which;

    public UpstreamTimeoutException(Which which, String message) {
        super(message);
        this.which = which;
    }

    public Which which() {
        return which;
    }
}
