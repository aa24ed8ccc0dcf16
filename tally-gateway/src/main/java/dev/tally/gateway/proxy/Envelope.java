package dev.tally.gateway.proxy;

import dev.tally.audit.id.IdSource;
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
import java.util.regex.Pattern;

/**
 * Reads a call's HTTP envelope: the presented virtual key, {@code traceparent}, the client's
 * {@code x-request-id}, {@code x-tally-user} and {@code x-tally-tag-<name>} headers, peer
 * address and User-Agent. None of the {@code x-tally-*} headers or credentials are ever
 * forwarded upstream (the upstream request is built from scratch). Stateless.
 */
public final class Envelope {

    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName USER = HeaderNames.create("x-tally-user");
    private static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    private static final String TAG_PREFIX = "x-tally-tag-";
    private static final Pattern TRACEPARENT_FORM = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
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
        return new RequestMeta(ids.next(), clock.instant(), startNanos, endpoint,
                traceId(headers.first(TRACEPARENT).orElse(null)),
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

    /** The trace id of a valid W3C {@code traceparent}, else null (an all-zero id is invalid). */
    static String traceId(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        var m = TRACEPARENT_FORM.matcher(traceparent.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).chars().allMatch(c -> c == '0')) {
            return null;
        }
        return m.group(1);
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
