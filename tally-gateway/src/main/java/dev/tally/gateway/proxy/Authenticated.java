package dev.tally.gateway.proxy;

import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.auth.Authenticator;
import dev.tally.audit.id.IdSource;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;

/**
 * The outermost decorator of every keyed route: reads the call's envelope (request id, trace,
 * tags), sends the request id back, and authenticates the virtual key. A denied call gets its
 * 401 and a security event (no call record: it never got past authentication); an allowed one
 * goes on to the wrapped {@link CallHandler}. Returns once the response is complete.
 * Thread-safe (stateless).
 */
public final class Authenticated implements Handler {

    private final CallRoute route;
    private final Authenticator authenticator;
    private final SecurityEvents events;
    private final IdSource ids;
    private final Clock clock;
    private final CallHandler next;

    Authenticated(CallRoute route, Authenticator authenticator, SecurityEvents events, IdSource ids, Clock clock,
            CallHandler next) {
        this.route = route;
        this.authenticator = authenticator;
        this.events = events;
        this.ids = ids;
        this.clock = clock;
        this.next = next;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        Envelope.Received envelope = Envelope.read(req, route, ids, clock);
        RequestMeta meta = envelope.meta();
        res.header(Envelope.REQUEST_ID, meta.id());
        switch (authenticator.authenticateCredentials(Envelope.credentials(req), meta.clientIp())) {
            case AuthOutcome.Allowed allowed -> next.handle(new Call(meta, allowed.key(), envelope.problem()), req, res);
            case AuthOutcome.Denied denied -> {
                events.authDenied(meta, denied);
                Replies.error(res, route.protocol(), denied.errorCode(), denied.message(), null);
            }
        }
    }
}
