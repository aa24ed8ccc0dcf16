package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Protocol;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** Writes complete JSON answers to the client. Stateless. */
final class Replies {

    private Replies() {
    }

    /** Sends {@code body} as JSON with {@code status}; returns once written. */
    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /** Sends a protocol-shaped error for a catalogued code. */
    static void error(ServerResponse res, Protocol protocol, ErrorCode code, String message, String param) {
        json(res, code.httpStatus(), ErrorBody.json(protocol, code, message, param));
    }

    /** Sends a protocol-shaped error; {@code code} is a catalogued code string (e.g. an auth denial's). */
    static void error(ServerResponse res, Protocol protocol, int status, String code, String message, String param) {
        json(res, status, ErrorBody.json(protocol, status, code, message, param));
    }
}
