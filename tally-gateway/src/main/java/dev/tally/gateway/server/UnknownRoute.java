package dev.tally.gateway.server;

import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.proxy.ErrorBody;
import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A path or method no route serves: 404 {@code unknown_route} in the OpenAI error shape (the
 * shape most clients of the gateway parse), instead of Helidon's plain text. No record: nothing
 * was called. Stateless; returns once the answer is written.
 */
final class UnknownRoute {

    private UnknownRoute() {
    }

    static void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String shown = path.length() <= 40 ? path : path.substring(0, 37) + "...";
        res.status(ErrorCode.UNKNOWN_ROUTE.httpStatus());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(ErrorBody.json(Protocol.OPENAI, ErrorCode.UNKNOWN_ROUTE, "route: " + req.prologue().method().text() + " "
                + shown + " (expected: a route listed in docs/errors.md)", null));
    }
}
