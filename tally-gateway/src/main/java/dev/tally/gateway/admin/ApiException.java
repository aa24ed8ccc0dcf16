package dev.tally.gateway.admin;

/**
 * A request the admin API answers with an error: the HTTP status, a stable code, the parameter
 * at fault (or null) and a message naming the value and what is expected. Thrown by handlers and
 * parameter parsing, turned into the JSON error body by {@link AdminEndpoint}. Messages never
 * contain a secret. Immutable.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String param;

    ApiException(int status, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    /** 400 for a bad parameter: {@code "limit: 0 (expected: 1..1000)"}. */
    static ApiException badParam(String param, String message) {
        return new ApiException(400, "invalid_parameter", param, message);
    }

    /** 404 for something that does not exist. */
    static ApiException notFound(String param, String message) {
        return new ApiException(404, "not_found", param, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }
}
