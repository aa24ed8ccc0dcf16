package dev.tally.gateway.metrics;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.FailureThrottle;
import dev.tally.gateway.auth.Sleeper;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Secret;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;

/**
 * The admin-token check of {@code GET /metrics} when {@code metrics.require_admin_token} is on,
 * with the admin API's rules: {@code Authorization: Bearer <admin token>}, compared as SHA-256
 * digests with {@link MessageDigest#isEqual} (neither content nor length shows in timing); a
 * failure answers 401, records an {@code admin_auth_failure} security event (never the presented
 * value) and, past the free failures of {@link BruteForcePolicy#DEFAULT}, holds the answer back
 * per client IP. No configured token refuses every scrape. Thread-safe; {@link #allows} blocks for
 * the slowdown and, in sync durability, until the event is durable.
 */
public final class ScrapeAuth {

    private final byte[] tokenDigest;
    private final GatewayConfig.Audit audit;
    private final AuditSink sink;
    private final IdSource ids;
    private final Clock clock;
    private final FailureThrottle throttle;
    private final Sleeper sleeper;

    /** @param token the admin token, or null when none is configured */
    public ScrapeAuth(Secret token, GatewayConfig.Audit audit, AuditSink sink, IdSource ids, Clock clock, Sleeper sleeper) {
        this.tokenDigest = token == null ? null : sha256(token.reveal());
        this.audit = audit;
        this.sink = sink;
        this.ids = ids;
        this.clock = clock;
        this.throttle = new FailureThrottle(BruteForcePolicy.DEFAULT, clock);
        this.sleeper = sleeper;
    }

    /** Whether the scrape may go on; when not, the 401 was written and the event recorded. */
    boolean allows(ServerRequest req, ServerResponse res) throws InterruptedException {
        String presented = req.headers().first(HeaderNames.AUTHORIZATION).map(String::strip)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).strip())
                .filter(v -> !v.isEmpty()).orElse(null);
        String problem;
        if (tokenDigest == null) {
            problem = "no admin token is configured (set admin.token or TALLY_ADMIN_TOKEN)";
        } else if (presented == null) {
            problem = "no admin token: send 'Authorization: Bearer <admin token>'";
        } else if (!MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            problem = "invalid admin token";
        } else {
            return true;
        }
        String ip = req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(req.remotePeer().address());
        Duration delay = throttle.recordFailure(ip);
        String agent = req.headers().first(HeaderNames.USER_AGENT).map(a -> a.length() > 256 ? a.substring(0, 256) : a).orElse(null);
        sink.record(new SecurityEvent(ids.next(), clock.instant(), SecurityEventType.ADMIN_AUTH_FAILURE, null, null, null,
                audit.logClientIp() ? ip : null, agent, null, 401, problem + " (GET /metrics)"));
        if (!delay.isZero()) {
            sleeper.sleep(delay);
        }
        String code = (presented == null ? ErrorCode.MISSING_ADMIN_TOKEN : ErrorCode.INVALID_ADMIN_TOKEN).code();
        res.status(401);
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + problem.replace("'", "\\u0027") + "\"}}")
                .getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static byte[] sha256(String text) {
        return EntryHasher.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
