package dev.tally.gateway.logging;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Writes each log entry on exactly one line, in UTC with milliseconds, whoever logged it (Tally
 * through {@code System.Logger}, Helidon through JUL, Flyway and the JDBC drivers through SLF4J,
 * which {@code slf4j-jdk14} routes into JUL):
 * <pre>
 * text:  2026-12-03T23:12:48.123Z INFO  server  tally stopped in 140 ms ...
 * json:  {"time":"2026-12-03T23:12:48.123Z","level":"INFO","logger":"dev.tally.gateway.server.GatewayRuntime","message":"..."}
 * </pre>
 * The text form's third column is the logger's area: for Tally's own loggers the feature package
 * ({@code dev.tally.gateway.server.X} is {@code server}), for a library its name
 * ({@code io.helidon.webserver.X} is {@code helidon}). Line breaks inside a message are written as
 * {@code \n}, so one entry stays one line; a thrown exception is appended as its class and message
 * and those of its causes (JSON: {@code "error"}), without the stack trace. Stateless and
 * thread-safe.
 */
public final class LineFormatter extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final LogFormat format;

    public LineFormatter(LogFormat format) {
        this.format = format;
    }

    @Override
    public String format(LogRecord entry) {
        String time = TIME.format(entry.getInstant().truncatedTo(ChronoUnit.MILLIS));
        String level = LogLevel.of(entry.getLevel()).name();
        String logger = entry.getLoggerName() == null ? "" : entry.getLoggerName();
        String message = formatMessage(entry);
        String error = entry.getThrown() == null ? null : describe(entry.getThrown());
        return switch (format) {
            case TEXT -> time + " " + pad(level, 5) + " " + area(logger) + "  " + oneLine(message)
                    + (error == null ? "" : " | " + oneLine(error)) + System.lineSeparator();
            case JSON -> "{\"time\":\"" + time + "\",\"level\":\"" + level + "\",\"logger\":" + jsonString(logger)
                    + ",\"message\":" + jsonString(message) + (error == null ? "" : ",\"error\":" + jsonString(error))
                    + "}" + System.lineSeparator();
        };
    }

    /** {@code dev.tally.gateway.server.GatewayRuntime} → {@code server}; {@code io.helidon.x.Y} → {@code helidon}. */
    static String area(String logger) {
        String[] parts = logger.split("\\.");
        if (parts.length >= 4 && parts[0].equals("dev") && parts[1].equals("tally")) {
            return parts[3];
        }
        if (parts.length >= 3 && (parts[0].equals("io") || parts[0].equals("org") || parts[0].equals("com")
                || parts[0].equals("dev") || parts[0].equals("net"))) {
            return parts[1];
        }
        return parts.length == 0 || logger.isEmpty() ? "-" : parts[parts.length == 1 ? 0 : parts.length - 1];
    }

    private static String describe(Throwable thrown) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 5; t = t.getCause(), depth++) {
            if (depth > 0) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String oneLine(String text) {
        return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
