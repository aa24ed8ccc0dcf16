package dev.tally.gateway.admin;

import dev.tally.gateway.proxy.ErrorCode;

/**
 * A request the admin API answers with an error: the HTTP status, a stable code, the parameter
 * at fault (or null) and a message naming the value and what is expected. Thrown by handlers and
 * parameter parsing, turned into the JSON error body by {@link AdminEndpoint}. Messages never
 * contain a secret. Immutable.
 */
final class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final String param;

    ApiException(ErrorCode code, String param, String message) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
    }

    /** 400 for a bad parameter: {@code "limit: 0 (expected: 1..1000)"}. */
    static ApiException badParam(String param, String message) {
        return new ApiException(ErrorCode.INVALID_PARAMETER, param, message);
    }

    /** 404 for something that does not exist. */
    static ApiException notFound(String param, String message) {
        return new ApiException(ErrorCode.NOT_FOUND, param, message);
    }

    int status() {
        return code.httpStatus();
    }

    ErrorCode code() {
        return code;
    }

    String param() {
        return param;
    }
}
