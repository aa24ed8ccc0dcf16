package dev.tally.gateway.config;

import dev.tally.gateway.logging.LogFormat;
import dev.tally.gateway.logging.LogLevel;
import dev.tally.gateway.logging.LogSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the {@code logging} section for {@link ConfigLoader}: {@code format} ({@code text} or
 * {@code json}), {@code level} and {@code levels} (a mapping from logger name to level), with the
 * loader's error style (key, bad value, expectation). Stateless.
 */
final class LoggingSection {

    private LoggingSection() {
    }

    static LogSettings logging(ConfigNode n) {
        n.allowOnly("format", "level", "levels");
        LogSettings defaults = LogSettings.defaults();
        LogFormat format = n.optionalString("format").map(text -> LogFormat.parse(n.key("format"), text))
                .orElse(defaults.format());
        LogLevel level = n.optionalString("level").map(text -> LogLevel.parse(n.key("level"), text))
                .orElse(defaults.level());
        Map<String, LogLevel> levels = new LinkedHashMap<>();
        ConfigNode named = n.child("levels");
        for (String logger : named.names()) {
            if (!logger.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
                throw new IllegalArgumentException(n.key("levels") + ": '" + logger + "' (expected: a logger name, a "
                        + "Java package or class name such as io.helidon or dev.tally.gateway.server)");
            }
            String text = named.optionalString(logger).orElseThrow(() -> new IllegalArgumentException(
                    named.key(logger) + ": no level (expected: one of error, warn, info, debug, trace, off)"));
            levels.put(logger, LogLevel.parse(named.key(logger), text));
        }
        return new LogSettings(format, level, levels);
    }
}
