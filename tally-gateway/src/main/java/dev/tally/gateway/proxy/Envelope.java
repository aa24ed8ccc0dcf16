package dev.tally.gateway.proxy;

import dev.tally.audit.id.IdSource;
import dev.tally.gateway.trace.TraceContext;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads a call's HTTP envelope: the presented virtual key, {@code traceparent} and
 * {@code tracestate} (see {@link TraceContext}), the client's
 * {@code x-request-id}, {@code x-tally-user} and {@code x-tally-tag-<name>} headers, peer
 * address and User-Agent. None of the {@code x-tally-*} headers or credentials are ever
 * forwarded upstream (the upstream request is built from scratch). Stateless.
 */
public final class Envelope {

    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName TRACESTATE = HeaderNames.create("tracestate");
    private static final HeaderName USER = HeaderNames.create("x-tally-user");
    private static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    private static final String TAG_PREFIX = "x-tally-tag-";
    private static final int MAX_VALUE = 256;

    private Envelope() {
    }

    /** The envelope of {@code request} on {@code endpoint}, with a fresh record id. */
    public static RequestMeta read(ServerRequest request, Endpoint endpoint, IdSource ids, Clock clock) {
        long startNanos = System.nanoTime();
        var headers = request.headers();
        Map<String, String> tags = new TreeMap<>();
        headers.stream().forEach(h -> {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.startsWith(TAG_PREFIX) && name.length() > TAG_PREFIX.length()) {
                tags.put(name.substring(TAG_PREFIX.length()), clip(h.get()));
            }
        });
        String id = ids.next();
        // A new trace id only needs to be unpredictable enough to be unique, not secret.
        TraceContext trace = TraceContext.of(headers.first(TRACEPARENT).orElse(null), headers.first(TRACESTATE).orElse(null),
                id, ThreadLocalRandom.current());
        return new RequestMeta(id, clock.instant(), startNanos, endpoint, trace,
                headers.first(REQUEST_ID).map(Envelope::clip).orElse(null),
                headers.first(USER).map(Envelope::clip).orElse(null),
                tags, peer(request.remotePeer().address()),
                headers.first(HeaderNames.USER_AGENT).map(Envelope::clip).orElse(null));
    }

    /** The presented virtual key: {@code Authorization: Bearer …} or {@code x-api-key}; null when absent. */
    public static String presentedKey(ServerRequest request) {
        Optional<String> auth = request.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent()) {
            String value = auth.get().strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = value.substring(7).strip();
                return token.isEmpty() ? null : token;
            }
        }
        return request.headers().first(API_KEY).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    }

    private static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(address);
    }

    private static String clip(String value) {
        return value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value;
    }
}
