package dev.tally.gateway.admin;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.gateway.auth.FailureThrottle;
import dev.tally.gateway.config.Secret;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <admin token>} on every admin route.
 *
 * <p>The presented token and the configured one are both hashed with SHA-256 and the digests
 * compared with {@link MessageDigest#isEqual}, so neither the content nor the length of the real
 * token shows in response timing. A failure answers 401 with a JSON error and records a
 * {@code admin_auth_failure} {@link SecurityEvent} (client IP only when {@code audit.log_client_ip}
 * is on; never the presented token). Failures are counted per client IP by a
 * {@link FailureThrottle} with the same policy as proxy authentication: past the free failures,
 * each further answer is held back (exponentially, capped) on the request's virtual thread.
 * When no admin token is configured, every request is refused.
 *
 * <p>Thread-safe. {@link #allows} blocks for the slowdown delay and, in sync durability, until the
 * event is durable.
 */
final class AdminAuth {

    private final AdminServices services;
    private final byte[] tokenDigest; // null when no token is configured
    private final FailureThrottle throttle;

    AdminAuth(AdminServices services) {
        this.services = services;
        Secret token = services.adminToken();
        this.tokenDigest = token == null ? null : sha256(token.reveal());
        this.throttle = new FailureThrottle(services.bruteForce(), services.clock());
    }

    /**
     * Whether the request carries the admin token. When it does not, the 401 answer has been
     * written and the event recorded by the time this returns false.
     */
    boolean allows(ServerRequest req, ServerResponse res) throws InterruptedException {
        String presented = bearer(req).orElse(null);
        int sent = req.headers().all(HeaderNames.AUTHORIZATION, java.util.List::of).size();
        String problem;
        ErrorCode code = presented == null ? ErrorCode.MISSING_ADMIN_TOKEN : ErrorCode.INVALID_ADMIN_TOKEN;
        if (tokenDigest == null) {
            problem = "no admin token is configured (set admin.token or TALLY_ADMIN_TOKEN)";
        } else if (sent > 1) {
            // Which of two tokens counts is never guessed (a proxy in front may have added one).
            problem = "ambiguous credentials: the Authorization header was sent " + sent + " times (expected: once)";
            code = ErrorCode.AMBIGUOUS_CREDENTIALS;
        } else if (presented == null) {
            problem = "no admin token: send 'Authorization: Bearer <admin token>'";
        } else if (!MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            problem = "invalid admin token";
        } else {
            return true;
        }
        String ip = clientIp(req);
        Duration delay = throttle.recordFailure(ip);
        services.sink().record(new SecurityEvent(services.ids().next(), services.clock().instant(),
                SecurityEventType.ADMIN_AUTH_FAILURE, null, null, null, services.audit().logClientIp() ? ip : null,
                req.headers().first(HeaderNames.USER_AGENT).map(Params::clip).orElse(null), null, 401,
                problem + " (" + req.prologue().method().text() + " " + Params.clip(req.path().path()) + ")"));
        if (!delay.isZero()) {
            services.sleeper().sleep(delay);
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        JsonReply.error(res, code, problem, null);
        return false;
    }

    /** The bearer token of the request, if it has one. */
    static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION).map(String::strip)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).strip())
                .filter(v -> !v.isEmpty());
    }

    /** The peer address of the request. */
    static String clientIp(ServerRequest req) {
        SocketAddress address = req.remotePeer().address();
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(address);
    }

    private static byte[] sha256(String text) {
        return EntryHasher.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
