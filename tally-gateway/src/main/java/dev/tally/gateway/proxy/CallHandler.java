package dev.tally.gateway.proxy;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Handles an authenticated {@link Call}: what {@link Authenticated} wraps. Implementations run
 * on the request's virtual thread, block, and return once the client's response is complete.
 */
@FunctionalInterface
interface CallHandler {

    void handle(Call call, ServerRequest req, ServerResponse res) throws Exception;
}
