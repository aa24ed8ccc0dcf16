package dev.tally.gateway.organization;

import dev.tally.gateway.proxy.ErrorCode;

/**
 * A request parameter the organization routes refuse: answered 400 in OpenAI's error shape with
 * {@code param} set and a message naming the value and what is expected, e.g.
 * {@code "bucket_width: '5m' (expected one of: 1m, 1h, 1d)"}. Immutable.
 */
final class BadParameter extends RuntimeException {

    /** Characters of a bad value repeated in a message. */
    static final int SHOWN_CHARS = 40;

    private final String param;
    private final ErrorCode code;

    BadParameter(String param, String message) {
        this(ErrorCode.INVALID_PARAMETER, param, message);
    }

    BadParameter(ErrorCode code, String param, String message) {
        super(message, null, false, false);
        this.param = param;
        this.code = code;
    }

    String param() {
        return param;
    }

    ErrorCode code() {
        return code;
    }

    /** {@code value} cut to {@value #SHOWN_CHARS} characters for a message. */
    static String clip(String value) {
        return value.length() <= SHOWN_CHARS ? value : value.substring(0, SHOWN_CHARS) + "...";
    }
}
