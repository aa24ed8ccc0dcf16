package dev.tally.gateway.server;

import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.proxy.ErrorBody;
import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers what Helidon refuses before any route runs (a malformed request line or header, a body
 * over the size limit, bytes after a body's content-length read as a next request) with the
 * gateway's JSON error instead of Helidon's empty or plain-text one, so every error a client sees
 * carries a catalogued code. Such requests never reach authentication: no record, no event.
 * Helidon's own message is not passed on (it may quote the request). Stateless, thread-safe.
 */
final class TransportErrors implements DirectHandler {

    private TransportErrors() {
    }

    /** Handlers for every transport event type. */
    static DirectHandlers handlers() {
        TransportErrors handler = new TransportErrors();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    private static String shown(String path) {
        String p = path == null ? "" : path;
        return p.length() <= 40 ? p : p.substring(0, 37) + "...";
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
            ServerResponseHeaders headers, String message) {
        ErrorCode code = switch (eventType) {
            case PAYLOAD_TOO_LARGE -> ErrorCode.REQUEST_TOO_LARGE;
            case INTERNAL_ERROR -> ErrorCode.INTERNAL_ERROR;
            // Helidon reports a content-length over the limit as a bad request with status 413.
            case BAD_REQUEST, FORBIDDEN, HTTP_VERSION_NOT_SUPPORTED, OTHER -> switch (status.code()) {
                case 404 -> ErrorCode.UNKNOWN_ROUTE;
                case 413 -> ErrorCode.REQUEST_TOO_LARGE;
                default -> ErrorCode.INVALID_REQUEST;
            };
        };
        String text = switch (code) {
            case REQUEST_TOO_LARGE -> "body: more than " + GatewayServer.MAX_BODY_BYTES + " bytes (expected: at most "
                    + GatewayServer.MAX_BODY_BYTES + ")";
            case UNKNOWN_ROUTE -> "route: " + request.method() + " " + shown(request.path())
                    + " (expected: a route listed in docs/errors.md)";
            case INTERNAL_ERROR -> "the gateway failed";
            default -> "a malformed HTTP request (HTTP " + status.code() + "; expected: an HTTP/1.1 request with a valid "
                    + "request line and headers, and no bytes after the body's content-length)";
        };
        byte[] body = ErrorBody.json(Protocol.OPENAI, code, text, null);
        return TransportResponse.builder()
                .status(Status.create(code.httpStatus()))
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .keepAlive(false)
                .entity(body)
                .build();
    }
}
