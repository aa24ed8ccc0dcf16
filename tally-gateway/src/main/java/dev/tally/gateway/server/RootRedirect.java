package dev.tally.gateway.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /} (and {@code HEAD /}): a {@code 302 Found} to {@code /dashboard}, so the address
 * printed at start opens the dashboard in a browser instead of answering "not found". A redirect
 * rather than the page itself, so the page keeps one address (its relative links, its policy).
 * Stateless and thread-safe; returns once the answer was sent.
 */
final class RootRedirect implements Handler {

    /** Where {@code /} points. */
    static final String TARGET = "/dashboard";

    private RootRedirect() {
    }

    /** Adds the route for {@code /}. */
    static void register(HttpRouting.Builder routing) {
        RootRedirect handler = new RootRedirect();
        routing.get("/", handler);
        routing.head("/", handler);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.status(Status.FOUND_302);
        res.header(HeaderNames.LOCATION, TARGET);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send();
    }
}
