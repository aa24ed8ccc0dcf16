package dev.tally.gateway.admin;

import io.helidon.webserver.http.Handler;

/**
 * The admin token check of {@code /v1/admin/*}, offered to routes that live outside this package
 * but are guarded the same way (the OpenAI-compatible {@code /v1/organization/*} routes). It shares
 * the admin routes' failure throttle, so a caller guessing tokens is slowed down across both.
 * A refused request gets the same 401 answer and {@code admin_auth_failure} event as an admin route.
 *
 * <p>Thread-safe.
 */
public final class AdminGuard {

    private final AdminAuth auth;

    AdminGuard(AdminAuth auth) {
        this.auth = auth;
    }

    /**
     * {@code inner} behind the admin token: it runs only for a request that carries the token;
     * any other request has been answered 401 when the returned handler returns.
     */
    public Handler guard(Handler inner) {
        return (req, res) -> {
            if (auth.allows(req, res)) {
                inner.handle(req, res);
            }
        };
    }
}
