package dev.tally.gateway.proxy;

import java.util.Locale;

/**
 * Every error code the gateway itself gives a client or writes into a record, with its HTTP
 * status and the error {@code type} each protocol's error JSON carries for it. The one catalogue:
 * {@code docs/errors.md} lists exactly these (a test compares the two). Codes a provider sent are
 * not here: a provider's error answer is relayed unchanged and its own code is recorded.
 *
 * <p>A code is stable once published: clients branch on it. {@code key_revoked} appears twice,
 * as the proxy's 401 (a revoked key was presented) and the admin API's 409 (a change to a revoked
 * key); the pair (code, status) is unique. Immutable, thread-safe.
 */
public enum ErrorCode {

    // 400: the request itself is wrong
    /** The body is JSON but not what the route takes (field, value and expectation in the message). */
    INVALID_REQUEST("invalid_request", 400),
    /** The body is not one JSON value: syntax, trailing data, or past a parser limit (depth, number or string length). */
    INVALID_JSON("invalid_json", 400),
    /** A header the gateway reads is unusable: not UTF-8, too long, too many tags, a bad tag name. */
    INVALID_HEADER("invalid_header", 400),
    /** The body is shorter or longer than its Content-Length. */
    BODY_LENGTH_MISMATCH("body_length_mismatch", 400),
    /** The model is served by the other protocol's provider. */
    WRONG_ENDPOINT("wrong_endpoint", 400),
    /** Admin API: a bad parameter or body member value. */
    INVALID_PARAMETER("invalid_parameter", 400),
    /** Admin API: a parameter or body member the route does not take. */
    UNKNOWN_PARAMETER("unknown_parameter", 400),

    // 401: who is calling is not established
    /** No virtual key. */
    MISSING_API_KEY("missing_api_key", 401),
    /** Not a virtual key, or no such key. */
    INVALID_API_KEY("invalid_api_key", 401),
    /** The presented key was revoked. */
    KEY_REVOKED("key_revoked", 401),
    /** The presented key is switched off. */
    KEY_DISABLED("key_disabled", 401),
    /** The presented key is past its expiry. */
    KEY_EXPIRED("key_expired", 401),
    /** More than one credential header, or one header twice: which one counts is not guessed. */
    AMBIGUOUS_CREDENTIALS("ambiguous_credentials", 401),
    /** Admin API: no admin token. */
    MISSING_ADMIN_TOKEN("missing_admin_token", 401),
    /** Admin API: a wrong admin token. */
    INVALID_ADMIN_TOKEN("invalid_admin_token", 401),

    // 403, 404, 409, 413, 429: refused
    /** The key's allowed models do not include the model. */
    MODEL_NOT_ALLOWED("model_not_allowed", 403),
    /** No configured model by that name. */
    MODEL_NOT_FOUND("model_not_found", 404),
    /** Admin API: no such record or key. */
    NOT_FOUND("not_found", 404),
    /** A path or method no route serves. */
    UNKNOWN_ROUTE("unknown_route", 404),
    /** Admin API: a key name another key has. */
    KEY_NAME_TAKEN("key_name_taken", 409),
    /** Admin API: a change to a revoked key. */
    KEY_ALREADY_REVOKED("key_revoked", 409),
    /** Admin API: an inclusion proof for an entry no signed head covers yet (with {@code Retry-After}). */
    NOT_YET_SIGNED("not_yet_signed", 409),
    /** A body over the route's size limit. */
    REQUEST_TOO_LARGE("request_too_large", 413),
    /** The key's requests or tokens per minute are used up. */
    RATE_LIMIT_EXCEEDED("rate_limit_exceeded", 429),
    /** The key's budget for the period is spent. */
    BUDGET_EXCEEDED("budget_exceeded", 429),

    // 499: record only
    /** Record only: the client went away before its answer was complete. */
    CLIENT_CANCELLED("client_cancelled", 499),

    // 5xx: the gateway or a provider failed
    /** A bug in the gateway; logged with its stack trace. */
    INTERNAL_ERROR("internal_error", 500),
    /** No provider could be reached. */
    UPSTREAM_UNREACHABLE("upstream_unreachable", 502),
    /** The provider's answer broke off (also mid-stream, after a 200). */
    UPSTREAM_BROKEN("upstream_broken", 502),
    /** The provider answered 2xx with something that is not a JSON object. */
    UPSTREAM_INVALID_RESPONSE("upstream_invalid_response", 502),
    /** The provider closed a stream before its proper end (mid-stream, after a 200). */
    STREAM_TRUNCATED("stream_truncated", 502),
    /** The provider did not answer in time (also mid-stream, after a 200). */
    UPSTREAM_TIMEOUT("upstream_timeout", 504),
    /** The audit store cannot be written (sync durability) or read (admin API) now. */
    STORE_UNAVAILABLE("store_unavailable", 503),
    /** Neither the audit store nor the spill journal can take a record: new calls are refused. */
    AUDIT_UNAVAILABLE("audit_unavailable", 503);

    private final String code;
    private final int httpStatus;

    ErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The code as clients and records see it. */
    public String code() {
        return code;
    }

    /** The HTTP status answered with it (for mid-stream codes: the status had the stream broken off before it began). */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@code error.type} in OpenAI's error JSON (also the admin API's). */
    public String openAiType() {
        return openAiType(httpStatus);
    }

    /** {@code error.type} in Anthropic's error JSON. */
    public String anthropicType() {
        return anthropicType(httpStatus);
    }

    /** OpenAI's {@code error.type} for an HTTP status. */
    static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** Anthropic's {@code error.type} for an HTTP status. */
    static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    @Override
    public String toString() {
        return code + " (" + httpStatus + ")";
    }

    /** The constant for a code string and status; for tests and documentation checks. */
    public static ErrorCode of(String code, int httpStatus) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code) && c.httpStatus == httpStatus) {
                return c;
            }
        }
        throw new IllegalArgumentException("error code: '" + code + "' with HTTP " + httpStatus
                + " (expected: one of " + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
    }
}
