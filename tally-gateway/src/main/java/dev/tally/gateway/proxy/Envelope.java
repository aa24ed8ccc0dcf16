package dev.tally.gateway.proxy;

import dev.tally.audit.id.IdSource;
import dev.tally.gateway.auth.Credentials;
import dev.tally.gateway.trace.TraceContext;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Reads a call's HTTP envelope: the presented virtual key, {@code traceparent} and
 * {@code tracestate} (see {@link TraceContext}), the client's
 * {@code x-request-id}, {@code x-tally-user}, {@code x-tally-tag-<name>} and {@code x-tally-include-cost} headers, peer
 * address and User-Agent. None of the {@code x-tally-*} headers or credentials are ever
 * forwarded upstream (the upstream request is built from scratch). Stateless.
 *
 * <p>Values are decoded as UTF-8 ({@link HeaderText}; the User-Agent leniently, the others strictly). Limits, checked here because the values
 * end up in the record, its index columns and the rollups: {@code x-tally-user} at most
 * {@value #MAX_USER} characters, at most {@value #MAX_TAGS} tags, a tag name of 1 to
 * {@value #MAX_TAG_NAME} characters out of {@code a-z 0-9 _ . -}, a tag value at most
 * {@value #MAX_TAG_VALUE} characters. A value outside them is not silently cut: the envelope
 * carries a {@link Received#problem()} and the call is answered 400 {@code invalid_header}
 * (after authentication, so it is recorded like any other bad request).
 */
public final class Envelope {

    /** Longest {@code x-tally-user} (and body {@code user}), in characters. */
    public static final int MAX_USER = 256;
    /** Most {@code x-tally-tag-*} headers on one call. */
    public static final int MAX_TAGS = 32;
    /** Longest tag name, in characters. */
    public static final int MAX_TAG_NAME = 64;
    /** Longest tag value, in characters. */
    public static final int MAX_TAG_VALUE = 256;

    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName TRACESTATE = HeaderNames.create("tracestate");
    private static final HeaderName USER = HeaderNames.create("x-tally-user");
    private static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    private static final String TAG_PREFIX = "x-tally-tag-";
    private static final Pattern TAG_NAME = Pattern.compile("[a-z0-9_.-]{1," + MAX_TAG_NAME + "}");
    private static final int MAX_VALUE = 256;

    private Envelope() {
    }

    /**
     * The envelope as received.
     *
     * @param meta the call's envelope; a header with a problem is left out of it
     * @param problem what is wrong with a header (naming it, the value and the limit), or null
     */
    public record Received(RequestMeta meta, String problem) {
    }

    /** The envelope of {@code request} on {@code route}, with a fresh record id. */
    public static Received read(ServerRequest request, CallRoute route, IdSource ids, Clock clock) {
        long startNanos = System.nanoTime();
        var headers = request.headers();
        Map<String, String> tags = new TreeMap<>();
        String problem = null;
        int tagHeaders = 0;
        for (var h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!name.startsWith(TAG_PREFIX)) {
                continue;
            }
            tagHeaders++;
            String tag = name.substring(TAG_PREFIX.length());
            String value;
            try {
                value = HeaderText.utf8(name, h);
            } catch (HeaderText.Undecodable e) {
                problem = problem != null ? problem : e.getMessage();
                continue;
            }
            if (!TAG_NAME.matcher(tag).matches()) {
                problem = problem != null ? problem : "tag name '" + HeaderText.shown(tag) + "' (" + tag.length()
                        + " characters; expected: 1 to " + MAX_TAG_NAME + " of a-z, 0-9, '_', '.', '-')";
            } else if (value.length() > MAX_TAG_VALUE) {
                problem = problem != null ? problem : name + ": '" + HeaderText.shown(value) + "' is " + value.length()
                        + " characters (expected: at most " + MAX_TAG_VALUE + ")";
            } else {
                tags.put(tag, value);
            }
        }
        if (tagHeaders > MAX_TAGS && problem == null) {
            problem = "x-tally-tag-*: " + tagHeaders + " tags (expected: at most " + MAX_TAGS + ")";
        }
        String user = null;
        int users = headers.all(USER, List::of).size();
        if (users > 1) {
            problem = problem != null ? problem : "x-tally-user: sent " + users + " times (expected: once)";
        } else if (users == 1) {
            try {
                user = HeaderText.utf8("x-tally-user", headers.get(USER));
                if (user.length() > MAX_USER) {
                    problem = problem != null ? problem : "x-tally-user: '" + HeaderText.shown(user) + "' is " + user.length()
                            + " characters (expected: at most " + MAX_USER + ")";
                    user = null;
                }
            } catch (HeaderText.Undecodable e) {
                problem = problem != null ? problem : e.getMessage();
            }
        }
        String clientRequestId = null;
        try {
            clientRequestId = headers.contains(REQUEST_ID) ? clip(HeaderText.utf8("x-request-id", headers.get(REQUEST_ID))) : null;
        } catch (HeaderText.Undecodable e) {
            problem = problem != null ? problem : e.getMessage();
        }
        if (headers.contains(CostOut.INCLUDE_COST) && problem == null) {
            problem = includeCostProblem(headers.all(CostOut.INCLUDE_COST, List::of).size(), headers.get(CostOut.INCLUDE_COST));
        }
        String id = ids.next();
        // A new trace id only needs to be unpredictable enough to be unique, not secret.
        TraceContext trace = TraceContext.of(headers.first(TRACEPARENT).orElse(null), headers.first(TRACESTATE).orElse(null),
                id, ThreadLocalRandom.current());
        RequestMeta meta = new RequestMeta(id, clock.instant(), startNanos, route, trace, clientRequestId, user,
                problem == null ? tags : Map.of(), peer(request.remotePeer().address()),
                headers.find(HeaderNames.USER_AGENT).map(HeaderText::lenient).map(Envelope::clip).orElse(null));
        return new Received(meta, problem);
    }

    /** What is wrong with the {@code x-tally-include-cost} values sent, or null when it is one {@code body}. */
    private static String includeCostProblem(int count, Header header) {
        if (count > 1) {
            return "x-tally-include-cost: sent " + count + " times (expected: once)";
        }
        String value = HeaderText.lenient(header).strip();
        return CostOut.IN_BODY.equalsIgnoreCase(value) ? null
                : "x-tally-include-cost: '" + HeaderText.shown(value) + "' (expected: body)";
    }

    /** The virtual key(s) presented: {@code Authorization: Bearer …} and/or {@code x-api-key}. */
    public static Credentials credentials(ServerRequest request) {
        return Credentials.of(request.headers().all(HeaderNames.AUTHORIZATION, List::of), request.headers().all(API_KEY, List::of));
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
