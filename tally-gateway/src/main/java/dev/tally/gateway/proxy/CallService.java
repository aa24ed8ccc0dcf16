package dev.tally.gateway.proxy;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/**
 * Serves an authenticated call and returns its {@link CallOutcome}, leaving what the client is
 * still owed in the outcome's {@link Reply}: what {@link Audited} wraps. May have written part of
 * the answer (a stream's events) by the time it returns, never its end.
 */
@FunctionalInterface
interface CallService {

    CallOutcome serve(Call call, ServerRequest req, ServerResponse res) throws IOException, InterruptedException;
}
