package dev.tally.gateway.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code logging} section: one format and a level for everything, with levels for single
 * loggers (a logger name covers the loggers under it: {@code io.helidon} covers
 * {@code io.helidon.webserver.LoomServer}).
 *
 * @param format how each entry is written
 * @param level the level of every logger not named in {@code levels}
 * @param levels levels by logger name; they replace the {@link #DEFAULT_LEVELS} entry of the same name
 */
public record LogSettings(LogFormat format, LogLevel level, Map<String, LogLevel> levels) {

    /**
     * The libraries' own start-up chatter an operator does not need, quieted unless configured:
     * Helidon's feature list and listener lines (the banner says where Tally listens), and Flyway's
     * report of each migration check.
     */
    public static final Map<String, LogLevel> DEFAULT_LEVELS = Map.of("io.helidon", LogLevel.WARN,
            "org.flywaydb", LogLevel.WARN);

    public LogSettings {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(level, "level");
        levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }

    /** {@code serve}'s default: text, info, libraries quieted. */
    public static LogSettings defaults() {
        return new LogSettings(LogFormat.TEXT, LogLevel.INFO, Map.of());
    }

    /**
     * The CLI commands' set-up: only warnings and errors, so a command's output is its own. A
     * command that runs the gateway ({@code serve}) installs the configured settings instead.
     */
    public static LogSettings commandLine() {
        return new LogSettings(LogFormat.TEXT, LogLevel.WARN, Map.of());
    }

    /** The level of each named logger: the defaults, then the configured ones over them. */
    public Map<String, LogLevel> effectiveLevels() {
        Map<String, LogLevel> all = new LinkedHashMap<>(DEFAULT_LEVELS);
        all.putAll(levels);
        return all;
    }
}
