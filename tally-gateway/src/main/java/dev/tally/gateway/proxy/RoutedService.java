package dev.tally.gateway.proxy;

import dev.tally.gateway.upstream.Target;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;

/**
 * Serves a call whose body was parsed and whose model was routed, returning its outcome like a
 * {@link CallService}: what {@link Limited} decorates and {@link Forwarder} implements.
 */
@FunctionalInterface
interface RoutedService {

    /**
     * @param call the authenticated call
     * @param request its parsed body
     * @param targets where its model may be sent, first choice first (never empty)
     */
    CallOutcome serve(Call call, ClientRequest request, List<Target> targets, ServerRequest req, ServerResponse res)
            throws IOException, InterruptedException;
}
