package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Protocol;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What is still to be sent to the client once the call's record has been handed to the audit
 * log: the rest of an answer, or all of an error. {@link Audited} completes it after the record
 * is written, so a client that has its answer always finds the record (in sync mode: durable).
 */
@FunctionalInterface
interface Reply {

    /** Nothing left to send. */
    Reply NONE = () -> { };

    /** Sends the rest; an {@link IOException} means the client is gone. */
    void complete() throws IOException;

    /** A JSON error in the route's protocol, with its catalogued code. */
    static Reply error(ServerResponse res, Protocol protocol, ErrorCode code, String message, String param) {
        return () -> Replies.error(res, protocol, code, message, param);
    }

    /** A JSON error with the given status and code. */
    static Reply error(ServerResponse res, Protocol protocol, int status, String code, String message, String param) {
        return () -> Replies.error(res, protocol, status, code, message, param);
    }

    /** {@code 503 audit_unavailable} with {@code Retry-After: 1}. */
    static Reply unavailable(ServerResponse res, Protocol protocol) {
        return () -> {
            res.header(HeaderNames.RETRY_AFTER, "1");
            Replies.error(res, protocol, ErrorCode.AUDIT_UNAVAILABLE, Forwarder.UNAVAILABLE_MESSAGE, null);
        };
    }

    /** Closes an answer already written and flushed (a stream, or a sync-mode JSON answer). */
    static Reply close(OutputStream out) {
        return out::close;
    }
}
