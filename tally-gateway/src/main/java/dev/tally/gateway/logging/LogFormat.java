package dev.tally.gateway.logging;

/** How each log entry is written: one line of text, or one JSON object per line. */
public enum LogFormat {
    /** {@code 2026-12-03T23:12:48.123Z INFO  server  message}: for people and {@code grep}. */
    TEXT,
    /** {@code {"time":"…","level":"INFO","logger":"…","message":"…"}}: for log collectors. */
    JSON;

    /**
     * Parses {@code text} or {@code json}, case-insensitively.
     *
     * @throws IllegalArgumentException naming {@code key}, the value and the expectation
     */
    public static LogFormat parse(String key, String text) {
        for (LogFormat format : values()) {
            if (format.name().equalsIgnoreCase(text.strip())) {
                return format;
            }
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: text or json)");
    }
}
